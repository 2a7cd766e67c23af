import { it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const contracts = join(dirname(fileURLToPath(import.meta.url)), "..");

it("committed artifacts match a fresh build (build.mjs --check)", () => {
  const r = spawnSync(process.execPath, [join(contracts, "build.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

it("artifacts have the documented shape", () => {
  for (const name of ["TokenizerERC20", "TokenizerERC721", "TokenizerFactory"]) {
    const a = JSON.parse(readFileSync(join(contracts, "artifacts", `${name}.json`), "utf8"));
    assert.deepEqual(Object.keys(a), ["contractName", "abi", "bytecode", "deployedBytecode", "compiler"]);
    assert.equal(a.contractName, name);
    assert.match(a.bytecode, /^0x[0-9a-f]+$/);
    assert.match(a.deployedBytecode, /^0x[0-9a-f]+$/);
    assert.deepEqual(Object.keys(a.compiler), ["version", "optimizer", "evmVersion"]);
    assert.match(a.compiler.version, /^0\.8\.30\+/);
    assert.equal(a.compiler.evmVersion, "cancun");
    assert.ok((a.deployedBytecode.length - 2) / 2 <= 24576, `${name} within EIP-170 size limit`);
  }
});
