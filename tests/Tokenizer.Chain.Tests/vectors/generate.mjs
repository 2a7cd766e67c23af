// Generates cross-check vectors for Tokenizer.Chain with ethers v6 (an independent implementation).
// Usage: node generate.mjs [--seed N] [--count small|full] [--out DIR]
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Resolve ethers from the repository root so the pinned version (package-lock.json) is the one tested against.
const require = createRequire(resolve(here, '../../../package.json'));
const ethers = await import(require.resolve('ethers'));
const { AbiCoder, Interface, Transaction, SigningKey, getAddress, keccak256, encodeRlp, toBeArray, hexlify, hashMessage, toUtf8Bytes } = ethers;

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const seed = Number(opt('--seed', '20261123')) >>> 0;
const small = opt('--count', 'full') === 'small';
const out = resolve(opt('--out', here));
mkdirSync(out, { recursive: true });

// sfc32 seeded from splitmix32, so a seed reproduces the whole file set.
function splitmix32(a) { return () => { a |= 0; a = a + 0x9e3779b9 | 0; let t = a ^ a >>> 16; t = Math.imul(t, 0x21f0aaad); t = t ^ t >>> 15; t = Math.imul(t, 0x735a2d97); return ((t = t ^ t >>> 15) >>> 0); }; }
const sm = splitmix32(seed);
let [sa, sb, sc, sd] = [sm(), sm(), sm(), sm()];
function next() { sa |= 0; sb |= 0; sc |= 0; sd |= 0; const t = (sa + sb | 0) + sd | 0; sd = sd + 1 | 0; sa = sb ^ sb >>> 9; sb = sc + (sc << 3) | 0; sc = (sc << 21 | sc >>> 11); sc = sc + t | 0; return (t >>> 0); }
const int = (n) => next() % n;                       // [0, n)
const chance = (p) => next() / 4294967296 < p;
const pick = (xs) => xs[int(xs.length)];
const bytes = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = int(256); return b; };
const hex = (b) => hexlify(b);
const bigBits = (bits) => { if (bits === 0) return 0n; let v = 0n; for (let i = 0; i < bits; i += 8) v = (v << 8n) | BigInt(int(256)); return v & ((1n << BigInt(bits)) - 1n); };
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
function privateKey() { for (;;) { const k = bigBits(256); if (k > 0n && k < N) return '0x' + k.toString(16).padStart(64, '0'); } }
const count = (full, few) => (small ? few : full);
const write = (name, data) => writeFileSync(join(out, name), JSON.stringify(data));

// ---- Keccak ----
const keccakCases = [];
for (const len of [0, 1, 31, 32, 33, 55, 56, 64, 127, 128, 135, 136, 137, 271, 272, 273, 1000, 1024, 1500, 2048]) {
  const b = bytes(len); keccakCases.push({ input: hex(b), hash: keccak256(b) });
}
while (keccakCases.length < count(1000, 60)) {
  const len = chance(0.1) ? 1000 + int(1100) : chance(0.3) ? 130 + int(12) : int(300);
  const b = bytes(len); keccakCases.push({ input: hex(b), hash: keccak256(b) });
}
write('keccak.json', keccakCases);

// ---- EIP-55 ----
const eip55 = [];
while (eip55.length < count(500, 40)) {
  const b = bytes(20);
  if (chance(0.05)) b.fill(0, 0, int(20));
  const lower = hex(b);
  eip55.push({ lower, checksummed: getAddress(lower) });
}
write('eip55.json', eip55);

// ---- RLP ----
function rlpValue(depth) {
  if (depth < 3 && chance(0.35)) { const n = int(5); const xs = []; for (let i = 0; i < n; i++) xs.push(rlpValue(depth + 1)); return xs; }
  const len = pick([0, 1, 1, 2, 55, 56, 57, int(20), int(80), chance(0.1) ? 200 + int(400) : 3]);
  const b = bytes(len);
  if (len === 1 && chance(0.5)) b[0] = pick([0, 0x7f, 0x80, 0xff]);
  return hex(b);
}
const rlpCases = [];
while (rlpCases.length < count(400, 40)) { const value = rlpValue(0); rlpCases.push({ value, encoded: encodeRlp(value) }); }
const rlpIntegers = [];
for (const v of [0n, 1n, 127n, 128n, 255n, 256n, 1024n, (1n << 64n) - 1n, 1n << 64n, (1n << 256n) - 1n]) rlpIntegers.push({ value: v.toString(), encoded: encodeRlp(toBeArray(v)) });
while (rlpIntegers.length < count(200, 20)) { const v = bigBits(int(257)); rlpIntegers.push({ value: v.toString(), encoded: encodeRlp(toBeArray(v)) }); }
write('rlp.json', { items: rlpCases, integers: rlpIntegers });

// ---- ABI ----
const unicode = ['a', 'Z', '0', ' ', 'é', 'ß', 'Ω', 'ж', '漢', '字', '😀', '🚀', '\u0000', '"', '\\', '\n', '𝄞'];
function abiType(depth) {
  const r = int(depth < 2 ? 13 : 9);
  switch (r) {
    case 0: case 1: return `uint${8 * (1 + int(32))}`;
    case 2: case 3: return `int${8 * (1 + int(32))}`;
    case 4: return 'address';
    case 5: return 'bool';
    case 6: return `bytes${1 + int(32)}`;
    case 7: return 'bytes';
    case 8: return 'string';
    case 9: case 10: return `${abiType(depth + 1)}[${chance(0.5) ? '' : 1 + int(3)}]`;
    default: { const n = 1 + int(3); const cs = []; for (let i = 0; i < n; i++) cs.push(abiType(depth + 1)); return `(${cs.join(',')})`; }
  }
}
// Splits a type into its parts: base elementary or tuple components, and the outermost array suffix.
function outerArray(t) { if (!t.endsWith(']')) return null; const i = t.lastIndexOf('['); return { inner: t.slice(0, i), len: t.slice(i + 1, -1) }; }
function tupleComponents(t) { const s = t.slice(1, -1); const parts = []; let depth = 0, start = 0; for (let i = 0; i < s.length; i++) { if (s[i] === '(') depth++; else if (s[i] === ')') depth--; else if (s[i] === ',' && depth === 0) { parts.push(s.slice(start, i)); start = i + 1; } } parts.push(s.slice(start)); return parts; }
function abiValue(t) {
  const arr = outerArray(t);
  if (arr) { const n = arr.len === '' ? int(4) : Number(arr.len); const js = [], ev = []; for (let i = 0; i < n; i++) { const [j, e] = abiValue(arr.inner); js.push(j); ev.push(e); } return [js, ev]; }
  if (t.startsWith('(')) { const js = [], ev = []; for (const c of tupleComponents(t)) { const [j, e] = abiValue(c); js.push(j); ev.push(e); } return [js, ev]; }
  let m;
  if ((m = /^uint(\d+)$/.exec(t))) { const bits = Number(m[1]); const max = (1n << BigInt(bits)) - 1n; const v = pick([0n, max, 1n, bigBits(int(bits + 1))]); return [v.toString(), v]; }
  if ((m = /^int(\d+)$/.exec(t))) { const bits = Number(m[1]); const lim = 1n << BigInt(bits - 1); const v = pick([-lim, lim - 1n, -1n, 0n, bigBits(int(bits)) - (chance(0.5) ? lim : 0n)]); return [v.toString(), v]; }
  if (t === 'address') { const a = getAddress(hex(bytes(20))); return [a, a]; }
  if (t === 'bool') { const b = chance(0.5); return [b, b]; }
  if ((m = /^bytes(\d+)$/.exec(t))) { const h = hex(bytes(Number(m[1]))); return [h, h]; }
  if (t === 'bytes') { const h = hex(bytes(pick([0, 1, 31, 32, 33, int(70)]))); return [h, h]; }
  if (t === 'string') { let s = ''; const n = int(12); for (let i = 0; i < n; i++) s += pick(unicode); return [s, s]; }
  throw new Error('unknown type ' + t);
}
const coder = AbiCoder.defaultAbiCoder();
const abiCases = [];
while (abiCases.length < count(2000, 100)) {
  const n = 1 + int(4); const types = []; for (let i = 0; i < n; i++) types.push(abiType(0));
  const js = [], ev = []; for (const t of types) { const [j, e] = abiValue(t); js.push(j); ev.push(e); }
  abiCases.push({ types, values: js, encoded: coder.encode(types, ev) });
}
write('abi.json', abiCases);

// ---- Message-hash signatures ----
const sigs = [];
while (sigs.length < count(200, 20)) {
  const key = privateKey();
  const hash = chance(0.5) ? keccak256(bytes(int(100))) : hashMessage(toUtf8Bytes('message ' + int(1e9)));
  const sk = new SigningKey(key); const sig = sk.sign(hash);
  sigs.push({ key, address: new ethers.Wallet(key).address, hash, r: sig.r, s: sig.s, v: sig.v });
}
write('signatures.json', sigs);

// ---- Transactions ----
const chainIds = [1n, 31337n, 5n, 137n, 11155111n];
const chainId = () => (chance(0.8) ? pick(chainIds) : BigInt(1 + int(2 ** 31)));
const nonce = () => pick([0, 1, int(1000), int(2 ** 31), 2 ** 53 - 1 - int(10)]);
const u256 = () => pick([0n, 1n, (1n << 256n) - 1n, bigBits(int(257)), BigInt(int(1e9)) * 10n ** 9n]);
const gasLimit = () => pick([21000n, BigInt(int(10_000_000)), bigBits(int(64))]);
const to = () => (chance(0.1) ? null : getAddress(hex(bytes(20))));
const data = () => hex(bytes(pick([0, 0, 4, 36, 68, int(120)])));
function accessList() { const n = pick([0, 0, 1, 2]); const xs = []; for (let i = 0; i < n; i++) { const k = int(3); const keys = []; for (let j = 0; j < k; j++) keys.push(hex(bytes(32))); xs.push({ address: getAddress(hex(bytes(20))), storageKeys: keys }); } return xs; }
function signed(fields) {
  const key = privateKey(); const tx = Transaction.from(fields);
  const unsignedHash = tx.unsignedHash; tx.signature = new SigningKey(key).sign(unsignedHash);
  const json = {}; for (const [k, v] of Object.entries(fields)) json[k] = typeof v === 'bigint' ? v.toString() : v;
  return { key, tx: json, signingHash: unsignedHash, raw: tx.serialized, hash: tx.hash, from: tx.from };
}
const legacy = [], eip1559 = [];
while (legacy.length < count(500, 30)) legacy.push(signed({ type: 0, chainId: chainId(), nonce: nonce(), gasPrice: u256(), gasLimit: gasLimit(), to: to(), value: u256(), data: data() }));
const fees = () => { const max = u256(); const tip = chance(0.3) ? max : (max === 0n ? 0n : bigBits(int(257)) % (max + 1n)); return { maxPriorityFeePerGas: tip, maxFeePerGas: max }; };
while (eip1559.length < count(500, 30)) eip1559.push(signed({ type: 2, chainId: chainId(), nonce: nonce(), ...fees(), gasLimit: gasLimit(), to: to(), value: u256(), data: data(), accessList: accessList() }));
write('tx-legacy.json', legacy);
write('tx-eip1559.json', eip1559);

// ---- The platform's contract ABIs (contracts/artifacts): selectors, topics and error selectors per ethers ----
const artifacts = resolve(here, '../../../contracts/artifacts');
if (existsSync(artifacts)) {
  const contracts = {};
  for (const file of readdirSync(artifacts).filter((f) => f.endsWith('.json')).sort()) {
    const iface = new Interface(JSON.parse(readFileSync(join(artifacts, file), 'utf8')).abi);
    const functions = [], events = [], errors = [];
    iface.forEachFunction((f) => functions.push({ signature: f.format('sighash'), selector: f.selector }));
    iface.forEachEvent((e) => events.push({ signature: e.format('sighash'), topic: e.topicHash }));
    iface.forEachError((e) => errors.push({ signature: e.format('sighash'), selector: e.selector }));
    contracts[file] = { functions, events, errors };
  }
  write('contract-abis.json', contracts);
}

write('meta.json', { seed, count: small ? 'small' : 'full', ethers: ethers.version });
console.log(`vectors written to ${out} (seed ${seed}, ethers ${ethers.version})`);
