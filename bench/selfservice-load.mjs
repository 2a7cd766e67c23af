// Self-service load run, from a process of its own, against a running platform (script/server or the AppHost):
//   node bench/selfservice-load.mjs --gateway http://127.0.0.1:8080 --chain http://127.0.0.1:<anvil port> [--mints 200]
// 1. Mints through the gateway (a PRO_PLUS account with one ERC20 per concurrency level) at concurrency 1 and at each
//    --concurrency level (default 16,48), and deploys at 1 and 16.
// 2. The same number of mints of the same contract code signed and sent straight to the same anvil by this process,
//    pipelined nonces, same concurrency: a factory of our own (anvil dev key 3 as its admin) over the platform's
//    implementation contracts, one clone, mint(commandId, to, amount) — the platform's exact call.
// Figures are same-run ratios; the results go to bench/RESULTS-selfservice.md. The mints of each level run in
// --rounds alternating rounds (gateway first in odd rounds, direct first in even ones): anvil computes a state root
// over the whole state for every block, so both paths slow as the chain grows, and alternating shares that drift.
import { ethers } from 'ethers';
import { readFileSync, writeFileSync } from 'node:fs';
import { call as callAt, operatorToken as tokenOf, parseArgs, pct, timedRun as runAt } from './load-client.mjs';

const args = parseArgs(process.argv.slice(2));
const gateway = args.gateway ?? 'http://127.0.0.1:8080';
const chainUrl = args.chain ?? 'http://127.0.0.1:8545';
const mints = Number(args.mints ?? 200);
const rounds = Number(args.rounds ?? 4);
// The alternating rounds run at each of these. At 16 both paths are latency-bound (throughput ≈ 16 ÷ latency), so the
// ratio there compares latencies; the higher one has both paths saturated, which is what "sustained" names.
const concurrencies = String(args.concurrency ?? '16,48').split(',').map(Number);
const out = args.out ?? new URL('./RESULTS-selfservice.md', import.meta.url);
const devKey3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';

const call = (method, path, body, bearer, extra) => callAt(gateway, method, path, body, bearer, extra);
const operatorToken = () => tokenOf(gateway);

// A timed run with its figures: calls per second and latency quantiles.
async function timedRun(count, concurrency, fn) {
  const run = await runAt(count, concurrency, fn);
  const sorted = run.latencies.sort((a, b) => a - b);
  return { count, concurrency, seconds: run.seconds, perSecond: count / run.seconds, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99) };
}

// ---- through the gateway ----
const erc20 = { type: 'ERC20', name: 'Bench Coin', symbol: 'BEN', decimals: 18, isPermissionless: true };
const holder = ethers.Wallet.createRandom().address;
// A PRO_PLUS account (1,000 writes a month) with one ERC20 of its own; each concurrency level gets a fresh one.
async function account(name) {
  const email = `bench-${name}-${Date.now()}@example.com`;
  const signUp = await call('POST', '/auth/signup', { email, password: 'correct horse battery' });
  await call('PUT', `/api/admin/users/${signUp.user.id}/plan`, { plan: 'PRO_PLUS' }, await operatorToken());
  const bearer = (await call('POST', '/auth/signin', { email, password: 'correct horse battery' })).token;
  const first = await call('POST', '/tokens', erc20, bearer);
  const token = first.data.address;
  return {
    first,
    mint: () => call('POST', `/tokens/${token}/mint`, { owner: holder, amount: '1000' }, bearer),
    deploy: () => call('POST', '/tokens', erc20, bearer),
  };
}
const { first, mint, deploy } = await account('warm-up');

await timedRun(5, 1, mint); // warm-up
const gwMint1 = await timedRun(20, 1, mint);
const gwDeploy1 = await timedRun(10, 1, deploy);
const gwDeploy16 = await timedRun(32, 16, deploy);

// ---- straight to anvil, one process, pipelined nonces ----
const provider = new ethers.JsonRpcProvider(chainUrl, undefined, { batchMaxCount: 1 });
const wallet = new ethers.Wallet(devKey3, provider);
const artifact = (name) => JSON.parse(readFileSync(new URL(`../contracts/artifacts/${name}.json`, import.meta.url)));
const factoryArtifact = artifact('TokenizerFactory');
const platformFactory = (await provider.getTransaction(first.data.transaction.hash)).to;
const platform = new ethers.Contract(platformFactory, factoryArtifact.abi, provider);
// Nonces asked raw and given explicitly: ethers' provider may answer a recent identical request from its cache.
let nonce = Number(await provider.send('eth_getTransactionCount', [wallet.address, 'pending']));
const own = await new ethers.ContractFactory(factoryArtifact.abi, factoryArtifact.bytecode, wallet)
  .deploy(await platform.erc20Implementation(), await platform.erc721Implementation(), wallet.address, { nonce: nonce++ });
await own.waitForDeployment();
const salt = ethers.id(`bench-${Date.now()}`);
await (await own.deployERC20(salt, 'Bench Coin', 'BEN', 18, true, wallet.address, ethers.ZeroAddress, { nonce: nonce++ })).wait();
const clone = new ethers.Contract(await own.predictERC20Address(salt), artifact('TokenizerERC20').abi, wallet);
const { chainId } = await provider.getNetwork();
const gasLimit = ((await clone.mint.estimateGas(ethers.id('probe'), holder, 1000n)) * 125n) / 100n;
const fees = await provider.getFeeData();
let command = 0;

async function receipt(hash) {
  for (;;) {
    const r = await provider.send('eth_getTransactionReceipt', [hash]);
    if (r) return r;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the platform's Chain:ReceiptPollInterval
  }
}

async function directMint() {
  const data = clone.interface.encodeFunctionData('mint', [ethers.id(`direct-${Date.now()}-${command++}`), holder, 1000n]);
  const signed = await wallet.signTransaction({
    type: 2, chainId, nonce: nonce++, to: await clone.getAddress(), data, gasLimit,
    maxFeePerGas: fees.maxFeePerGas * 2n, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  });
  const hash = await provider.send('eth_sendRawTransaction', [signed]);
  const r = await receipt(hash);
  if (r.status !== '0x1') throw new Error(`direct mint ${hash} failed`);
}

await timedRun(5, 1, directMint); // warm-up
const dMint1 = await timedRun(20, 1, directMint);

// At each concurrency, alternating rounds; each path's figures over all its rounds.
const merge = (runs, concurrency) => {
  const sorted = runs.flatMap((x) => x.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((t, x) => t + x.seconds, 0);
  return { count: sorted.length, concurrency, seconds, perSecond: sorted.length / seconds, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99) };
};
const levels = [];
for (const concurrency of concurrencies) {
  const { mint } = await account(`c${concurrency}`); // its own quota: each level's rounds fit in one month's 1,000
  const perRound = [];
  const gwRuns = [];
  const dRuns = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [['gw', mint], ['d', directMint]] : [['d', directMint], ['gw', mint]];
    const got = {};
    for (const [name, fn] of order) got[name] = await runAt(mints, concurrency, fn);
    gwRuns.push(got.gw);
    dRuns.push(got.d);
    perRound.push({ round: r + 1, first: order[0][0] === 'gw' ? 'gateway' : 'direct', gw: mints / got.gw.seconds, d: mints / got.d.seconds });
  }
  levels.push({ concurrency, perRound, gw: merge(gwRuns, concurrency), d: merge(dRuns, concurrency) });
}

const ms = (x) => x.toFixed(1);
const row = (what, r) => `| ${what} | ${r.count} | ${r.concurrency} | ${r.perSecond.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p99)} |`;
const report = `# Self-service load run (same run, same machine, same anvil)

Produced by \`node bench/selfservice-load.mjs --gateway ${gateway} --chain ${chainUrl} --mints ${mints} --rounds ${rounds} --concurrency ${concurrencies.join(',')}\` on ${new Date().toISOString()}.
anvil runs with \`--block-time 1 --mixed-mining\`. "Direct" is this process signing with ethers v6 and sending raw
transactions itself (pipelined nonces, receipts polled every 100 ms like the platform), minting on a clone of the same
implementation through a factory of its own.

| What | Requests | Concurrency | Per second | p50 ms | p99 ms |
|---|---|---|---|---|---|
${row('Mint through the gateway', gwMint1)}
${levels.map((l) => row('Mint through the gateway', l.gw)).join('\n')}
${row('Deploy through the gateway', gwDeploy1)}
${row('Deploy through the gateway', gwDeploy16)}
${row('Direct mint: eth_sendRawTransaction + receipt', dMint1)}
${levels.map((l) => row('Direct mint: eth_sendRawTransaction + receipt', l.d)).join('\n')}

At each concurrency, ${rounds} alternating rounds of ${mints} mints per path (rows above: all rounds together).

| Concurrency | Round | First | Gateway mints/s | Direct mints/s | Ratio |
|---|---|---|---|---|---|
${levels.flatMap((l) => l.perRound.map((r) => `| ${l.concurrency} | ${r.round} | ${r.first} | ${r.gw.toFixed(1)} | ${r.d.toFixed(1)} | ${(r.gw / r.d).toFixed(2)} |`)).join('\n')}

## Ratios

${levels.map((l) => `- Mints per second, gateway ÷ direct, concurrency ${l.concurrency}: **${(l.gw.perSecond / l.d.perSecond).toFixed(2)}** (goal ≥ 0.7 sustained)`).join('\n')}
- Mint p50 through the gateway ÷ bare round trip: concurrency 1 **${(gwMint1.p50 / dMint1.p50).toFixed(2)}×**, ${levels.map((l) => `concurrency ${l.concurrency} **${(l.gw.p50 / l.d.p50).toFixed(2)}×**`).join(', ')}
- Mint p99 through the gateway ÷ bare round trip: concurrency 1 **${(gwMint1.p99 / dMint1.p99).toFixed(2)}×**, ${levels.map((l) => `concurrency ${l.concurrency} **${(l.gw.p99 / l.d.p99).toFixed(2)}×**`).join(', ')}
- Deploy p50 ÷ bare mint round trip: concurrency 1 **${(gwDeploy1.p50 / dMint1.p50).toFixed(2)}×**, concurrency 16 **${(gwDeploy16.p50 / (levels.find((l) => l.concurrency === 16) ?? levels[0]).d.p50).toFixed(2)}×**
`;
writeFileSync(out, report);
console.log(report);
