#!/usr/bin/env node
// Seeds a chain with Transfer events for the Monitor bench: deploys an ERC20 through the platform's factory, mints
// it to a TransferSpray contract, then sends transactions of PER_TX transfers each (PER_TX Transfer events per block),
// mining GAP empty blocks after each so the events spread over many eth_getLogs ranges.
//   RPC_URL=http://127.0.0.1:8545 FACTORY=0x… SIGNER_KEY=0x… EVENTS=100000 PER_TX=1000 GAP=20 node bench/monitor/seed-transfers.mjs
// The signer key comes from the environment (never the command line, never printed). Prints one JSON line:
// {"token","fromBlock","toBlock","transfers","seconds"}.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const require = createRequire(join(repoRoot, "package.json"));
const solc = require("solc");
const { ethers } = require("ethers");

const env = (name, fallback) => process.env[name] ?? fallback ?? (() => { throw new Error(`${name} is required`); })();
const events = Number(env("EVENTS", "100000"));
const perTx = Number(env("PER_TX", "1000"));
const gap = Number(env("GAP", "20"));
const holders = Number(env("HOLDERS", "100"));

const provider = new ethers.JsonRpcProvider(env("RPC_URL"), undefined, { batchMaxCount: 1, cacheTimeout: -1 });
provider.pollingInterval = 50; // receipts at once, not ethers' default 4 s polls
const signer = new ethers.NonceManager(new ethers.Wallet(env("SIGNER_KEY"), provider));
const factoryAbi = JSON.parse(readFileSync(join(repoRoot, "contracts/artifacts/TokenizerFactory.json"), "utf8")).abi;
const erc20Abi = JSON.parse(readFileSync(join(repoRoot, "contracts/artifacts/TokenizerERC20.json"), "utf8")).abi;

const compiled = JSON.parse(solc.compile(JSON.stringify({
  language: "Solidity",
  sources: { "TransferSpray.sol": { content: readFileSync(join(here, "TransferSpray.sol"), "utf8") } },
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
})));
const errors = (compiled.errors ?? []).filter((e) => e.severity === "error");
if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
const spray = compiled.contracts["TransferSpray.sol"].TransferSpray;

const started = performance.now();
const factory = new ethers.Contract(env("FACTORY"), factoryAbi, signer);
const salt = ethers.id(`monitor-bench-${Date.now()}-${Math.random()}`);
const deployReceipt = await (await factory.deployERC20(salt, "Monitor Bench", "MBEN", 0, true, await signer.getAddress(), ethers.ZeroAddress)).wait();
const deployed = deployReceipt.logs.map((l) => { try { return factory.interface.parseLog(l); } catch { return null; } }).find((l) => l?.name === "TokenDeployed");
const token = new ethers.Contract(deployed.args.token, erc20Abi, signer);

const sprayer = await (await new ethers.ContractFactory(spray.abi, spray.evm.bytecode.object, signer).deploy()).waitForDeployment();
await (await token.mint(ethers.id("monitor-bench-mint"), await sprayer.getAddress(), BigInt(events))).wait();

let fromBlock = null;
let toBlock = 0;
let sent = 0;
for (let left = events; left > 0; left -= perTx) {
  const count = Math.min(perTx, left);
  const receipt = await (await sprayer.spray(await token.getAddress(), count, holders, 0x10000, { gasLimit: 29_000_000 })).wait();
  if (receipt.status !== 1) throw new Error(`spray transaction ${receipt.hash} failed`);
  fromBlock ??= receipt.blockNumber;
  toBlock = receipt.blockNumber;
  sent += count;
  if (gap > 0) {
    await provider.send("anvil_mine", [ethers.toQuantity(gap)]);
  }
}
console.log(JSON.stringify({ token: await token.getAddress(), fromBlock, toBlock, transfers: sent, seconds: (performance.now() - started) / 1000 }));
