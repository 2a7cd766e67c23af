// The platform as containers, driven through its containerised gateway as a client would (script/test-containers
// starts it with `podman kube play` and passes its address). One ordered flow: each step uses what the step before it
// made, so the token endpoints' steps (deploy → mint → status) are appended where the flow says so.
//   GATEWAY_URL, OPERATOR_CLIENT_ID, OPERATOR_CLIENT_SECRET, TOKENADMIN_CONTAINERS ("name name", the two instances)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:28080';
const [tokenAdminToKill, tokenAdminSurvivor] = (process.env.TOKENADMIN_CONTAINERS ?? '').split(' ').filter(Boolean);
const flow = {};

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

// Deploy → mint → status go here once the token endpoints are on main: POST /tokens with flow.apiKey (keep the
// address in flow.token), POST /tokens/:address/mint with an Idempotency-Key, then GET /status with
// flow.operatorToken until the token and its supply show. The load below then mints instead of reading.
test.todo('a user deploys a token, mints it, and the operator sees it in /status');

test('killing one of two TokenAdmin containers mid-load loses no request', { skip: !tokenAdminToKill && 'TOKENADMIN_CONTAINERS not set' }, async () => {
  // Today's TokenAdmin load is the public /tokenURI route, which the gateway sends to a TokenAdmin instance: any answer
  // but a gateway error (502/503/504) or a broken connection came from a live instance. A client retries an idempotent
  // request that met a gateway error, as it would retry a mint with the same Idempotency-Key.
  const path = '/tokenURI/0x0000000000000000000000000000000000000001/1';
  const workers = 4;
  const perWorker = 150;
  let firstTryGatewayErrors = 0;
  const outcomes = [];
  const one = async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const response = await fetch(gateway + path);
        await response.arrayBuffer();
        if (![502, 503, 504].includes(response.status)) {
          return { status: response.status, attempt };
        }
      } catch {
        // A connection the dead instance held: same as a gateway error for the client.
      }
      if (attempt === 1) {
        firstTryGatewayErrors++;
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
    return { status: 'lost', attempt: 5 };
  };
  let killedAt = -1;
  let sent = 0;
  const loop = async () => {
    for (let i = 0; i < perWorker; i++) {
      sent++;
      if (sent === Math.floor((workers * perWorker) / 3) && killedAt < 0) {
        killedAt = sent;
        podman('kill', '--signal', 'KILL', tokenAdminToKill);
      }
      outcomes.push(await one());
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));

  assert.ok(killedAt > 0, 'the kill happened mid-load');
  assert.equal(podman('inspect', '--format', '{{.State.Running}}', tokenAdminToKill), 'false');
  assert.equal(podman('inspect', '--format', '{{.State.Running}}', tokenAdminSurvivor), 'true');
  const lost = outcomes.filter((o) => o.status === 'lost').length;
  const statuses = [...new Set(outcomes.map((o) => o.status))];
  console.log(`# ${outcomes.length} requests, killed after ${killedAt}; first-try gateway errors ${firstTryGatewayErrors}; ` +
    `statuses ${statuses.join(',')}; lost ${lost}`);
  assert.equal(outcomes.length, workers * perWorker, 'every request was answered exactly once');
  assert.equal(lost, 0, 'no request was lost');

  // The killed instance comes back (as Kubernetes would restart it) and the whole platform is ready again.
  podman('start', tokenAdminToKill);
  let ready = false;
  for (let i = 0; i < 150 && !ready; i++) {
    ready = (await call('GET', '/readyz')).status === 200 && (await call('GET', '/readyz')).status === 200;
    if (!ready) {
      await new Promise((r) => setTimeout(r, 400));
    }
  }
  assert.ok(ready, 'the platform is ready again once the instance is back');
});
