// Measures ethers v6 signing + serialising the same EIP-1559 transaction as SigningBenchmarks (ops/s).
// Usage: node bench/ethers-sign.mjs [seconds]
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(resolve(dirname(fileURLToPath(import.meta.url)), '../package.json'));
const { Transaction, SigningKey, version } = await import(require.resolve('ethers'));

const key = new SigningKey('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const fields = (nonce) => ({
  type: 2, chainId: 1n, nonce,
  maxPriorityFeePerGas: 1_500_000_000n, maxFeePerGas: 30_000_000_000n, gasLimit: 65_000n,
  to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: 0n,
  data: '0xa9059cbb0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc00000000000000000000000000000000000000000000003635c9adc5dea00000',
});
function signOnce(nonce) {
  const tx = Transaction.from(fields(nonce));
  tx.signature = key.sign(tx.unsignedHash);
  return tx.serialized;
}

const seconds = Number(process.argv[2] ?? '5');
for (let i = 0; i < 2000; i++) signOnce(i & 0xffff); // warm-up (JIT)
let ops = 0;
const start = process.hrtime.bigint();
const deadline = start + BigInt(Math.round(seconds * 1e9));
let now = start;
while (now < deadline) {
  for (let i = 0; i < 100; i++) signOnce((ops + i) & 0xffff);
  ops += 100;
  now = process.hrtime.bigint();
}
const opsPerSecond = ops / (Number(now - start) / 1e9);
console.log(`first raw: ${signOnce(0).slice(0, 20)}... (ethers ${version}, node ${process.version})`);
console.log(`RESULT\tethers_sign_eip1559\t${opsPerSecond.toFixed(0)}`);
