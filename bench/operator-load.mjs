// Operator command load run, from a process of its own, against a running platform (script/server or the AppHost):
//   node bench/operator-load.mjs --gateway http://127.0.0.1:8080 --tokenadmin http://127.0.0.1:<port> \
//     --chain http://127.0.0.1:<anvil port> [--mints 300] [--accepts 600] [--concurrency 64]
// 1. Throughput: --mints operator mints (POST /api/admin/mint through the gateway, concurrency --concurrency), timed
//    from the first POST until GET /api/admin/commands?status=confirmed counts them all; beside the same number of the
//    same mint calls pre-signed by this process and sent raw (eth_sendRawTransaction) to the same anvil, same
//    concurrency, timed from the first send until the last receipt (polled every 100 ms).
// 2. Accept latency: POST /api/admin/mint → 200 at concurrency --concurrency, through the gateway and straight to
//    TokenAdmin, in alternating rounds; the platform is drained (every command confirmed) before each round, so each
//    round sees the same background work: its own commands executing. Then --serial accepts one at a time per path.
// Figures are same-run ratios; the results go to bench/RESULTS-operator.md (or --out).
import { ethers } from 'ethers';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { call, operatorToken as tokenOf, parseArgs, pct, timedRun } from './load-client.mjs';

const args = parseArgs(process.argv.slice(2));
const gateway = args.gateway ?? 'http://127.0.0.1:8080';
const tokenAdmin = args.tokenadmin;
const chainUrl = args.chain ?? 'http://127.0.0.1:8545';
const mints = Number(args.mints ?? 300);
const accepts = Number(args.accepts ?? 600);
const concurrency = Number(args.concurrency ?? 64);
const rounds = Number(args.rounds ?? 2);
const serialAccepts = Number(args.serial ?? 100);
const out = args.out ?? new URL('./RESULTS-operator.md', import.meta.url);
const devKey3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
if (!tokenAdmin) throw new Error('--tokenadmin <TokenAdmin http address> is required (the AppHost gives it a free port)');

const operatorToken = () => tokenOf(gateway);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the instrument: an ERC20 the platform deployed (self-service, PRO_PLUS), minted by the operator ----
let bearer = await operatorToken();
const email = `operator-bench-${Date.now()}@example.com`;
const signUp = await call(gateway, 'POST', '/auth/signup', { email, password: 'correct horse battery' });
await call(gateway, 'PUT', `/api/admin/users/${signUp.user.id}/plan`, { plan: 'PRO_PLUS' }, bearer);
const user = (await call(gateway, 'POST', '/auth/signin', { email, password: 'correct horse battery' })).token;
const created = await call(gateway, 'POST', '/tokens', { type: 'ERC20', name: 'Operator Bench', symbol: 'OPB', decimals: 18, isPermissionless: true }, user);
const instrument = created.data.address;
const party = ethers.Wallet.createRandom().address;
const run = `${Date.now()}`;
let seq = 0;
const mint = (base) => {
  const commandId = `bench-${run}-${seq++}`;
  return call(base, 'POST', '/api/admin/mint', { command_id: commandId, instrument_id: instrument, party_id: party, amount: '1' }, bearer)
    .then((answer) => {
      if (answer.status !== 'submitted' || answer.command_id !== commandId) throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
      return commandId;
    });
};
const countOf = async (status) => (await call(gateway, 'GET', `/api/admin/commands?status=${status}&limit=1`, undefined, bearer)).total;

// Waits until no command is submitted or sent any more; fails the run if one failed.
async function drain(timeoutSeconds = 600) {
  const deadline = performance.now() + timeoutSeconds * 1000;
  while (performance.now() < deadline) {
    if ((await countOf('submitted')) + (await countOf('sent')) === 0) {
      const failed = await countOf('failed');
      if (failed > 0) throw new Error(`${failed} operator commands failed`);
      return;
    }
    await sleep(100);
  }
  throw new Error('the platform did not drain in time');
}

// ---- 1a. throughput through the gateway: accepted → confirmed ----
await timedRun(10, 4, () => mint(gateway)); // warm-up (JIT, connection pools, nonce store)
await drain();
const confirmedBefore = await countOf('confirmed');
const e2eStarted = performance.now();
const submitted = await timedRun(mints, concurrency, () => mint(gateway));
let e2eSeconds;
for (;;) {
  if ((await countOf('confirmed')) - confirmedBefore >= mints) {
    e2eSeconds = (performance.now() - e2eStarted) / 1000;
    break;
  }
  await sleep(100);
}
await drain();

// ---- 1b. the same mints, pre-signed and sent raw to the same anvil ----
const provider = new ethers.JsonRpcProvider(chainUrl, undefined, { batchMaxCount: 1 });
const wallet = new ethers.Wallet(devKey3, provider);
const artifact = (name) => JSON.parse(readFileSync(new URL(`../contracts/artifacts/${name}.json`, import.meta.url)));
const factoryArtifact = artifact('TokenizerFactory');
const platformFactory = (await provider.getTransaction(created.data.transaction.hash)).to;
const platform = new ethers.Contract(platformFactory, factoryArtifact.abi, provider);
// Nonces asked raw and given explicitly: ethers' provider may answer a recent identical request from its cache.
let nonce = Number(await provider.send('eth_getTransactionCount', [wallet.address, 'pending']));
const own = await new ethers.ContractFactory(factoryArtifact.abi, factoryArtifact.bytecode, wallet)
  .deploy(await platform.erc20Implementation(), await platform.erc721Implementation(), wallet.address, { nonce: nonce++ });
await own.waitForDeployment();
const salt = ethers.id(`operator-bench-${run}`);
await (await own.deployERC20(salt, 'Operator Bench', 'OPB', 18, true, wallet.address, ethers.ZeroAddress, { nonce: nonce++ })).wait();
const clone = new ethers.Contract(await own.predictERC20Address(salt), artifact('TokenizerERC20').abi, wallet);
const { chainId } = await provider.getNetwork();
const gasLimit = ((await clone.mint.estimateGas(ethers.id('probe'), party, 10n ** 18n)) * 125n) / 100n;
const fees = await provider.getFeeData();
const cloneAddress = await clone.getAddress();
const signed = [];
for (let i = 0; i < mints; i++) {
  const data = clone.interface.encodeFunctionData('mint', [ethers.id(`direct-${run}-${i}`), party, 10n ** 18n]);
  signed.push(await wallet.signTransaction({
    type: 2, chainId, nonce: nonce++, to: cloneAddress, data, gasLimit,
    maxFeePerGas: fees.maxFeePerGas * 2n, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  }));
}
async function receipt(hash) {
  for (;;) {
    const r = await provider.send('eth_getTransactionReceipt', [hash]);
    if (r) return r;
    await sleep(100);
  }
}
const direct = await timedRun(mints, concurrency, async (i) => {
  const hash = await provider.send('eth_sendRawTransaction', [signed[i]]);
  if ((await receipt(hash)).status !== '0x1') throw new Error(`direct mint ${hash} failed`);
});

// ---- 2. accept latency, gateway and TokenAdmin directly, alternating rounds ----
const acceptLatency = { gateway: [], tokenadmin: [] };
const acceptSeconds = { gateway: 0, tokenadmin: 0 };
for (let round = 0; round < rounds; round++) {
  for (const [name, base] of [['gateway', gateway], ['tokenadmin', tokenAdmin]]) {
    bearer = await operatorToken(); // a long run outlives one token
    await timedRun(concurrency, concurrency, () => mint(base)); // warm-up at full width
    await drain();
    const r = await timedRun(accepts, concurrency, () => mint(base));
    acceptLatency[name].push(...r.latencies);
    acceptSeconds[name] += r.seconds;
    await drain();
  }
}
// The same POST one at a time: the service time of one accept, with nothing queued in front of it.
const serial = {};
for (const [name, base] of [['gateway', gateway], ['tokenadmin', tokenAdmin]]) {
  await drain();
  const sorted = (await timedRun(serialAccepts, 1, () => mint(base))).latencies.sort((a, b) => a - b);
  serial[name] = { n: sorted.length, p50: pct(sorted, 0.5), p90: pct(sorted, 0.9), p99: pct(sorted, 0.99), max: sorted.at(-1) };
}
await drain();
const summary = (name) => {
  const sorted = [...acceptLatency[name]].sort((a, b) => a - b);
  return { n: sorted.length, p50: pct(sorted, 0.5), p90: pct(sorted, 0.9), p99: pct(sorted, 0.99), max: sorted.at(-1), perSecond: sorted.length / acceptSeconds[name] };
};
const gw = summary('gateway');
const ta = summary('tokenadmin');

// ---- every bench command confirmed, none failed; each minted once on chain ----
const totalCommands = seq;
const expectedUnits = BigInt(totalCommands) * 10n ** 18n;
const erc20 = new ethers.Contract(instrument, artifact('TokenizerERC20').abi, provider);
const balance = await erc20.balanceOf(party);
if (balance !== expectedUnits) throw new Error(`party holds ${balance}, expected ${expectedUnits} (${totalCommands} mints of 1)`);

const f = (x) => x.toFixed(1);
const e2ePerSecond = mints / e2eSeconds;
const directPerSecond = mints / direct.seconds;
const argsLine = `--gateway ${gateway} --tokenadmin ${tokenAdmin} --chain ${chainUrl} --mints ${mints} --accepts ${accepts} --concurrency ${concurrency} --rounds ${rounds} --serial ${serialAccepts}`;
const report = `# Operator command load run (same run, same machine, same anvil)

Produced by \`node bench/operator-load.mjs ${argsLine}\` on ${new Date().toISOString()}
against the AppHost (\`dotnet Tokenizer.AppHost/bin/Release/net10.0/Tokenizer.AppHost.dll --data-dir <own> --gateway-port <free>\`,
Release build, Development environment, dashboard on). anvil runs as the AppHost starts it: \`--block-time 1 --mixed-mining\`
(a block per transaction and one a second). The machine is 2 cores shared with other engineers' platforms: absolute
figures are noisy, ratios are taken within this run.

## Throughput: accepted mints confirmed per second

| What | Mints | Concurrency | Seconds | Per second |
|---|---|---|---|---|
| Operator mints through the gateway, first POST → last \`confirmed\` | ${mints} | ${concurrency} | ${f(e2eSeconds)} | ${f(e2ePerSecond)} |
| (of which accepting them all) | ${mints} | ${concurrency} | ${f(submitted.seconds)} | ${f(mints / submitted.seconds)} |
| Same mints pre-signed, raw \`eth_sendRawTransaction\` → receipt | ${mints} | ${concurrency} | ${f(direct.seconds)} | ${f(directPerSecond)} |

**Ratio, operator ÷ raw: ${(e2ePerSecond / directPerSecond).toFixed(2)}** (goal ≥ 0.7)

## Accept latency: \`POST /api/admin/mint\` → 200 at concurrency ${concurrency}

${rounds} alternating rounds of ${accepts} per path, the platform drained before each.

| Path | Requests | Per second | p50 ms | p90 ms | p99 ms | max ms |
|---|---|---|---|---|---|---|
| Through the gateway | ${gw.n} | ${f(gw.perSecond)} | ${f(gw.p50)} | ${f(gw.p90)} | ${f(gw.p99)} | ${f(gw.max)} |
| TokenAdmin directly | ${ta.n} | ${f(ta.perSecond)} | ${f(ta.p50)} | ${f(ta.p90)} | ${f(ta.p99)} | ${f(ta.max)} |
| Through the gateway, one at a time | ${serial.gateway.n} | – | ${f(serial.gateway.p50)} | ${f(serial.gateway.p90)} | ${f(serial.gateway.p99)} | ${f(serial.gateway.max)} |
| TokenAdmin directly, one at a time | ${serial.tokenadmin.n} | – | ${f(serial.tokenadmin.p50)} | ${f(serial.tokenadmin.p90)} | ${f(serial.tokenadmin.p99)} | ${f(serial.tokenadmin.max)} |

- Little's law at concurrency ${concurrency}: p50 ≈ ${concurrency} ÷ throughput = **${f(concurrency / gw.perSecond * 1000)} ms** through the gateway (measured ${f(gw.p50)} ms)
- Gateway ÷ direct: p50 **${(gw.p50 / ta.p50).toFixed(2)}×**, p99 **${(gw.p99 / ta.p99).toFixed(2)}×**
- Gateway p99: **${f(gw.p99)} ms** (goal ≤ 20 ms)

Check: the party holds exactly ${totalCommands} units after ${totalCommands} operator mints of 1 (each executed once), none failed.
`;
writeFileSync(out, report);
console.log(report);
