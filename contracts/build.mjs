#!/usr/bin/env node
// Compiles contracts/src with the pinned solc-js (standard JSON) and writes contracts/artifacts/<Name>.json.
//   node contracts/build.mjs          build and write artifacts
//   node contracts/build.mjs --check  build and exit 1 (naming the files) if a committed artifact differs
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..");
const srcDir = join(here, "src");
const artifactsDir = join(here, "artifacts");
const require = createRequire(join(repoRoot, "package.json"));
const solc = require("solc");

export const DEPLOYABLE = ["TokenizerERC20", "TokenizerERC721", "TokenizerFactory"];
const OPTIMIZER = { enabled: true, runs: 200 };
const EVM_VERSION = "cancun";

function findImport(path) {
  const candidates = [join(repoRoot, "node_modules", path), join(here, path)];
  for (const p of candidates) {
    if (existsSync(p)) return { contents: readFileSync(p, "utf8") };
  }
  return { error: `File not found: ${path}` };
}

export function compile() {
  const sources = {};
  for (const f of readdirSync(srcDir).filter((f) => f.endsWith(".sol")).sort()) {
    sources[`src/${f}`] = { content: readFileSync(join(srcDir, f), "utf8") };
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: OPTIMIZER,
      evmVersion: EVM_VERSION,
      metadata: { bytecodeHash: "none", appendCBOR: false },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  for (const e of output.errors ?? []) {
    if (e.severity !== "error") console.warn(e.formattedMessage ?? e.message);
  }
  if (errors.length > 0) {
    for (const e of errors) console.error(e.formattedMessage ?? e.message);
    throw new Error(`solc reported ${errors.length} error(s)`);
  }
  const version = solc.version();
  const artifacts = {};
  for (const name of DEPLOYABLE) {
    const c = output.contracts[`src/${name}.sol`]?.[name];
    if (!c) throw new Error(`contract ${name} missing from solc output`);
    const artifact = {
      contractName: name,
      abi: c.abi,
      bytecode: "0x" + c.evm.bytecode.object,
      deployedBytecode: "0x" + c.evm.deployedBytecode.object,
      compiler: { version, optimizer: OPTIMIZER, evmVersion: EVM_VERSION },
    };
    artifacts[name] = JSON.stringify(artifact, null, 2) + "\n";
  }
  return artifacts;
}

function main() {
  const check = process.argv.includes("--check");
  let artifacts;
  try {
    artifacts = compile();
  } catch (err) {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  }
  if (check) {
    const bad = [];
    for (const [name, text] of Object.entries(artifacts)) {
      const file = join(artifactsDir, `${name}.json`);
      const shown = relative(repoRoot, file);
      if (!existsSync(file)) bad.push(`${shown} (missing)`);
      else if (readFileSync(file, "utf8") !== text) bad.push(`${shown} (differs from a fresh build)`);
    }
    if (bad.length > 0) {
      for (const b of bad) console.error(`artifact out of date: ${b}`);
      console.error("run: node contracts/build.mjs");
      process.exit(1);
    }
    console.log(`artifacts up to date (${Object.keys(artifacts).length} contracts, solc ${solc.version()})`);
    return;
  }
  mkdirSync(artifactsDir, { recursive: true });
  for (const [name, text] of Object.entries(artifacts)) {
    const file = join(artifactsDir, `${name}.json`);
    writeFileSync(file, text);
    const a = JSON.parse(text);
    console.log(`wrote ${file} (runtime ${(a.deployedBytecode.length - 2) / 2} bytes)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
