// The platform as containers, driven through its containerised gateway as a client would (script/test-containers
// starts it with `podman kube play` and passes its address). One ordered flow: each step uses what the step before it
// made: sign-up → API key → operator → deploy → mint → status, then operator mints while a TokenAdmin dies.
//   GATEWAY_URL, OPERATOR_CLIENT_ID, OPERATOR_CLIENT_SECRET, TOKENADMIN_CONTAINERS ("name name", the two instances),
//   CHAIN_URL (the anvil script/test-containers started: balances and events are read there, not through the platform)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Interface, Wallet, id } from 'ethers';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:28080';
const [tokenAdminToKill, tokenAdminSurvivor] = (process.env.TOKENADMIN_CONTAINERS ?? '').split(' ').filter(Boolean);
const chainUrl = process.env.CHAIN_URL;
const flow = {};
const TOKEN_DECIMALS = 6;
const erc20 = new Interface(['function balanceOf(address) view returns (uint256)']);
const mintedTopic = id('Minted(bytes32,address,uint256)');

async function call(method, path, { token, json, form, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) {
    init.headers.authorization = `Bearer ${token}`;
  }
  if (json !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  if (form !== undefined) {
    init.body = new URLSearchParams(form);
  }
  const response = await fetch(gateway + path, init);
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

const podman = (...args) => execFileSync('podman', args, { encoding: 'utf8' }).trim();

test('the gateway is ready with every service healthy', async () => {
  const { status, body } = await call('GET', '/readyz');
  assert.equal(status, 200, JSON.stringify(body));
  for (const name of ['identity', 'tokenadmin', 'ledgerdata', 'monitor']) {
    assert.equal(body.services[name].status, 'Healthy', `${name}: ${JSON.stringify(body.services[name])}`);
  }
});

test('a user signs up, signs in and sees their own profile', async () => {
  const email = `containers-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const signUp = await call('POST', '/auth/signup', { json: { email, password } });
  assert.equal(signUp.status, 200, JSON.stringify(signUp.body));
  assert.equal(signUp.body.user.email, email);
  assert.equal(signUp.body.user.plan, 'BASIC');

  const signIn = await call('POST', '/auth/signin', { json: { email, password } });
  assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
  const me = await call('GET', '/me', { token: signIn.body.token });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.email, email);
  Object.assign(flow, { email, password, userId: signUp.body.user.id, jwt: signIn.body.token });
});

test('an API key is shown once and then authenticates the user', async () => {
  const created = await call('POST', '/api-keys', { token: flow.jwt, json: { name: 'containers' } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.match(created.body.key, /^mw_/);
  const me = await call('GET', '/me', { token: created.body.key });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.id, flow.userId);
  const listed = await call('GET', '/api-keys', { token: flow.jwt });
  assert.equal(listed.status, 200);
  assert.ok(listed.body.every((k) => k.key === undefined), 'a listed key never shows the full key');
  flow.apiKey = created.body.key;
});

test('an operator gets a token by client credentials and acts on the user', async () => {
  const issued = await call('POST', '/connect/token', {
    form: {
      grant_type: 'client_credentials',
      client_id: process.env.OPERATOR_CLIENT_ID,
      client_secret: process.env.OPERATOR_CLIENT_SECRET,
    },
  });
  assert.equal(issued.status, 200, JSON.stringify(issued.body));
  flow.operatorToken = issued.body.access_token;

  const changed = await call('PUT', `/api/admin/users/${flow.userId}/plan`, { token: flow.operatorToken, json: { plan: 'PRO' } });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  const me = await call('GET', '/me', { token: flow.apiKey });
  assert.equal(me.body.plan, 'PRO');

  const refused = await call('PUT', `/api/admin/users/${flow.userId}/plan`, { token: flow.jwt, json: { plan: 'PRO_PLUS' } });
  assert.equal(refused.status, 403, 'a user token is not an operator token');
});

test('the Aspire dashboard asks for its browser token before showing anything', { skip: !process.env.DASHBOARD_URL && 'DASHBOARD_URL not set' }, async () => {
  const dashboard = process.env.DASHBOARD_URL;
  const anonymous = await fetch(dashboard + '/structuredlogs', { redirect: 'manual' });
  assert.equal(anonymous.status, 302);
  assert.match(anonymous.headers.get('location') ?? '', /\/login\?returnUrl=/);
  const wrong = await fetch(`${dashboard}/login?t=not-the-token`, { redirect: 'manual' });
  assert.doesNotMatch(wrong.headers.get('set-cookie') ?? '', /\.Aspire\.Dashboard\.Auth/i, 'no session for a wrong token');
  const login = await fetch(`${dashboard}/login?t=${process.env.DASHBOARD_BROWSER_TOKEN}`, { redirect: 'manual' });
  assert.equal(login.status, 302);
  const cookie = login.headers.get('set-cookie') ?? '';
  assert.match(cookie, /\.Aspire\.Dashboard\.Auth/i, `a session cookie for the right token (got "${cookie}")`);
  const page = await fetch(dashboard + '/structuredlogs', { redirect: 'manual', headers: { cookie: cookie.split(';')[0] } });
  assert.equal(page.status, 200);
});

// The chain as anyone can read it, beside the platform: anvil's JSON-RPC (CHAIN_URL), never through a service.
async function rpc(method, params) {
  const response = await fetch(chainUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await response.json();
  assert.equal(body.error, undefined, `${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

const balanceOf = async (token, holder) =>
  BigInt(await rpc('eth_call', [{ to: token, data: erc20.encodeFunctionData('balanceOf', [holder]) }, 'latest']));

// Every Minted event the token emitted, as command hash (the contract's commandId topic) → count.
async function mintedByCommand(token) {
  const logs = await rpc('eth_getLogs', [{ address: token, fromBlock: '0x0', toBlock: 'latest', topics: [mintedTopic] }]);
  const counts = new Map();
  for (const log of logs) {
    counts.set(log.topics[1], (counts.get(log.topics[1]) ?? 0) + 1);
  }
  return { total: logs.length, counts };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, seconds, probe) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last.done) {
      return last.value;
    }
    await sleep(500);
  }
  assert.fail(`${what} within ${seconds} s; last seen ${JSON.stringify(last?.seen ?? last?.value)}`);
}

// The operator API's figures are decimal strings in token units; the chain's are base units.
function baseUnits(text, decimals) {
  const [whole, fraction = ''] = String(text).split('.');
  assert.ok(fraction.length <= decimals, `${text} has more than ${decimals} decimals`);
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}

const tokenFigures = (status, token) =>
  Object.entries(status.tokens ?? {}).find(([address]) => address.toLowerCase() === token.toLowerCase())?.[1];

test('a user deploys a token, mints it, and the operator sees it in /status', { skip: !chainUrl && 'CHAIN_URL not set' }, async () => {
  const deployed = await call('POST', '/tokens', {
    token: flow.apiKey,
    json: { type: 'ERC20', name: 'Containers', symbol: 'CTR', decimals: TOKEN_DECIMALS, isPermissionless: true },
  });
  assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
  assert.equal(deployed.body.success, true);
  const token = deployed.body.data.address;
  assert.match(token, /^0x[0-9a-fA-F]{40}$/);
  assert.ok((await rpc('eth_getCode', [token, 'latest'])).length > 2, 'the token has code on chain');

  const holder = Wallet.createRandom().address;
  const minted = await call('POST', `/tokens/${token}/mint`, {
    token: flow.apiKey,
    json: { owner: holder, amount: '2500000' },
    headers: { 'idempotency-key': `containers-mint-${Date.now()}` },
  });
  assert.equal(minted.status, 200, JSON.stringify(minted.body));
  assert.match(minted.body.data.transaction.hash, /^0x[0-9a-f]{64}$/);

  // The Monitor in its container indexes the mint; the operator's snapshot shows it once a cycle has run.
  const figures = await until('the operator sees the token with its minted supply in /status', 90, async () => {
    const { status, body } = await call('GET', '/status', { token: flow.operatorToken });
    const seen = status === 200 ? tokenFigures(body, token) : { status, body };
    return { done: status === 200 && seen !== undefined && baseUnits(seen.total_supply, TOKEN_DECIMALS) === 2_500_000n, value: seen, seen };
  });
  assert.equal(figures.unique_holders, 1);
  assert.equal(await balanceOf(token, holder), 2_500_000n, 'the chain holds what /status shows');
  Object.assign(flow, { token, holder });
});

test('killing one of two TokenAdmin containers mid-load loses no mint and doubles none', { skip: (!tokenAdminToKill || !chainUrl) && 'TOKENADMIN_CONTAINERS or CHAIN_URL not set' }, async () => {
  assert.ok(flow.token, 'the flow above deployed a token');
  // Operator mints of one unit each, every one with its own command_id, to one party. A client that meets a gateway
  // error (the dead instance's connection) or a broken connection repeats the same request with the same command_id,
  // which the exactly-once contract makes safe.
  const party = Wallet.createRandom().address;
  const commands = 80;
  const workers = 4;
  const run = `kill-load-${Date.now()}`;
  const pending = Array.from({ length: commands }, (_, i) => `${run}-${i}`);
  const accepted = [];
  const refused = [];
  let retried = 0;
  let killedAt = -1;
  let sent = 0;
  const submit = async (commandId) => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      try {
        const { status, body } = await call('POST', '/api/admin/mint', {
          token: flow.operatorToken,
          json: { command_id: commandId, instrument_id: flow.token, party_id: party, amount: '1' },
        });
        if (![502, 503, 504].includes(status)) {
          return { status, body };
        }
      } catch {
        // A connection the dead instance held: the same as a gateway error for the client.
      }
      retried++;
      await sleep(200 * attempt);
    }
    return { status: 'lost' };
  };
  const worker = async () => {
    for (let commandId = pending.shift(); commandId; commandId = pending.shift()) {
      sent++;
      if (sent === Math.floor(commands / 3) && killedAt < 0) {
        killedAt = sent;
        podman('kill', '--signal', 'KILL', tokenAdminToKill);
      }
      const outcome = await submit(commandId);
      if (outcome.status === 200 && outcome.body.status === 'submitted') {
        accepted.push(commandId);
      } else {
        refused.push({ commandId, ...outcome });
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));

  assert.ok(killedAt > 0, 'the kill happened mid-load');
  assert.equal(podman('inspect', '--format', '{{.State.Running}}', tokenAdminToKill), 'false');
  assert.equal(podman('inspect', '--format', '{{.State.Running}}', tokenAdminSurvivor), 'true');
  assert.deepEqual(refused, [], 'every mint was accepted, on the first try or a repeat');
  assert.equal(accepted.length, commands);

  // Every accepted command reaches confirmed: the survivor takes over what the dead one held (messages it had not
  // acknowledged, transactions it had sent).
  const outstanding = new Set(accepted);
  const states = new Map();
  await until('every accepted command is confirmed', 240, async () => {
    for (const commandId of [...outstanding]) {
      const { status, body } = await call('GET', `/api/admin/commands/${commandId}`, { token: flow.operatorToken }).catch(() => ({}));
      if (status === 200) {
        states.set(commandId, body.status);
        if (body.status === 'confirmed' || body.status === 'failed') {
          outstanding.delete(commandId);
        }
      }
    }
    const counts = {};
    for (const s of states.values()) {
      counts[s] = (counts[s] ?? 0) + 1;
    }
    return { done: outstanding.size === 0, seen: counts };
  });
  const failed = accepted.filter((c) => states.get(c) !== 'confirmed');
  assert.deepEqual(failed, [], 'no command failed');

  // The chain's own count: one Minted event per accepted command id, and nothing else minted by the load.
  const { total, counts } = await mintedByCommand(flow.token);
  const perCommand = accepted.map((c) => counts.get(id(c)) ?? 0);
  assert.deepEqual(perCommand.filter((n) => n !== 1), [], 'each command id minted exactly once');
  assert.equal(total, accepted.length + 1, 'the flow\'s one mint and the load\'s, no more');
  assert.equal(await balanceOf(flow.token, party), BigInt(accepted.length) * 10n ** BigInt(TOKEN_DECIMALS), 'the party holds one unit per command');
  console.log(`# ${commands} operator mints by ${workers} clients, TokenAdmin killed after ${killedAt} sent; ` +
    `${retried} repeats after a gateway error; ${accepted.length} accepted, ${accepted.length} confirmed, ${total - 1} Minted events`);

  // The killed instance comes back (as Kubernetes would restart it) and the whole platform is ready again.
  podman('start', tokenAdminToKill);
  await until('the platform is ready again once the instance is back', 90, async () => {
    const { status, body } = await call('GET', '/readyz');
    return { done: status === 200, seen: body };
  });
});
