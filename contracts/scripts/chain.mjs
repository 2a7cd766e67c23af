// Shared by the tests and gas-report.mjs: starts a private anvil on a free loopback port, deploys the
// Tokenizer contracts from contracts/artifacts, and helpers to decode reverts and events.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { ethers } from "ethers";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");
export const ANVIL_BIN = join(repoRoot, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
const MNEMONIC = "test test test test test test test test test test test junk";

export function loadArtifact(name) {
  return JSON.parse(readFileSync(join(here, "..", "artifacts", `${name}.json`), "utf8"));
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const running = new Set();
process.on("exit", () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {}
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => process.exit(130));
}

/** Starts anvil; returns { url, provider, wallets, stop }. Retries on a port race. */
export async function startAnvil({ accounts = 6 } = {}) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(
      ANVIL_BIN,
      ["--host", "127.0.0.1", "--port", String(port), "--accounts", String(accounts), "--silent"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    running.add(child);
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let exited = false;
    child.on("exit", () => {
      exited = true;
      running.delete(child);
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15000;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        });
        if (r.ok) {
          ready = true;
          break;
        }
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    const stop = async () => {
      if (exited) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await done;
      clearTimeout(t);
    };
    if (!ready) {
      await stop();
      if (attempt === 4) throw new Error(`anvil did not start: ${stderr}`);
      continue;
    }
    const network = new ethers.Network("anvil", 31337n);
    const provider = new ethers.JsonRpcProvider(url, network, { staticNetwork: network, pollingInterval: 50, cacheTimeout: -1 });
    const wallets = [];
    for (let i = 0; i < accounts; i++) {
      wallets.push(ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider));
    }
    return {
      url,
      provider,
      wallets,
      stop: async () => {
        provider.destroy();
        await stop();
      },
    };
  }
}

export async function deployArtifact(name, signer, args = []) {
  const a = loadArtifact(name);
  const factory = new ethers.ContractFactory(a.abi, a.bytecode, signer);
  const c = await factory.deploy(...args);
  const receipt = await c.deploymentTransaction().wait();
  return { contract: c, receipt };
}

/** Deploys both implementations and the factory (admin = signer). */
export async function deployTokenizer(signer, factoryAdmin = signer.address) {
  const erc20Impl = (await deployArtifact("TokenizerERC20", signer)).contract;
  const erc721Impl = (await deployArtifact("TokenizerERC721", signer)).contract;
  const factory = (
    await deployArtifact("TokenizerFactory", signer, [
      await erc20Impl.getAddress(),
      await erc721Impl.getAddress(),
      factoryAdmin,
    ])
  ).contract;
  return { erc20Impl, erc721Impl, factory };
}

export const ERC20_ABI = () => loadArtifact("TokenizerERC20").abi;
export const ERC721_ABI = () => loadArtifact("TokenizerERC721").abi;

let saltCounter = 0;
export function uniqueSalt(label = "salt") {
  return ethers.id(`${label}-${process.pid}-${Date.now()}-${saltCounter++}`);
}

let cmdCounter = 0;
export function cmd(label = "cmd") {
  return ethers.id(`${label}-${cmdCounter++}-${Math.random()}`);
}

/** Deploys an ERC20 clone through the factory; returns an ethers Contract connected to `runner`. */
export async function newERC20(factory, runner, { name = "Token", symbol = "TKN", decimals = 18, permissionless = true, admin } = {}) {
  const tx = await factory.deployERC20(uniqueSalt("erc20"), name, symbol, decimals, permissionless, admin, ethers.ZeroAddress);
  const receipt = await tx.wait();
  const ev = findEvents(receipt, factory, "TokenDeployed")[0];
  return new ethers.Contract(ev.args.token, ERC20_ABI(), runner);
}

export async function newERC721(factory, runner, { name = "Collection", symbol = "COL", baseURI = "https://tokenizer.test/tokenURI/", permissionless = true, admin } = {}) {
  const tx = await factory.deployERC721(uniqueSalt("erc721"), name, symbol, baseURI, permissionless, admin, ethers.ZeroAddress);
  const receipt = await tx.wait();
  const ev = findEvents(receipt, factory, "TokenDeployed")[0];
  return new ethers.Contract(ev.args.token, ERC721_ABI(), runner);
}

/** Parsed logs named `name` emitted by `contract` in `receipt`. */
export function findEvents(receipt, contract, name) {
  const address = (contract.target ?? contract.address).toLowerCase();
  const out = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed && parsed.name === name) out.push(parsed);
  }
  return out;
}

export async function send(txPromise) {
  const tx = await txPromise;
  return tx.wait();
}

function norm(v) {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string") return v.toLowerCase();
  if (Array.isArray(v) || (v && typeof v.toArray === "function")) return [...v].map(norm);
  return v;
}

export function revertData(err) {
  for (const d of [err?.data, err?.info?.error?.data, err?.error?.data]) {
    if (typeof d === "string" && d.startsWith("0x")) return d;
    if (d && typeof d.data === "string") return d.data;
  }
  return undefined;
}

/** Asserts that `action` (a function returning a tx/call promise) reverts with custom error `name`(args). */
export async function expectRevert(action, iface, name, args) {
  let err;
  try {
    const r = await action();
    if (r && typeof r.wait === "function") await r.wait();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected revert ${name}, but the call succeeded`);
  const data = revertData(err);
  assert.ok(data, `expected revert ${name}, got an error without revert data: ${err.shortMessage ?? err.message}`);
  const parsed = iface.parseError(data);
  assert.ok(parsed, `revert data ${data} does not decode with the given ABI (expected ${name})`);
  assert.equal(parsed.name, name, `expected ${name}, got ${parsed.name}(${[...parsed.args].join(", ")})`);
  if (args !== undefined) assert.deepEqual(norm([...parsed.args]), norm(args), `arguments of ${name}`);
  return parsed;
}
