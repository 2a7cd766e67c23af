// What the load runs share (bench/selfservice-load.mjs, bench/operator-load.mjs): the platform's HTTP API as a client
// sees it, the dev operator's client-credentials token, and a fixed number of calls run at a fixed concurrency.
import { performance } from 'node:perf_hooks';

/** `--name value` pairs of the command line. */
export const parseArgs = (argv) =>
  Object.fromEntries(argv.reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));

/** One JSON call; a non-2xx answer throws with its status and body. */
export async function call(base, method, path, body, bearer, extra = {}) {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The Development operator client's token (client credentials through the gateway). */
export async function operatorToken(gateway) {
  const response = await fetch(gateway + '/connect/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=tokenizer-operator&client_secret=dev-operator-secret',
  });
  return (await response.json()).access_token;
}

/** Runs fn(i) for i in 0..count-1 with `width` calls in flight; each call's latency in ms, in completion order. */
export async function timedRun(count, width, fn) {
  let next = 0;
  const latencies = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await fn(i);
      latencies.push(performance.now() - t);
    }
  }));
  return { count, seconds: (performance.now() - started) / 1000, latencies };
}

/** The p-quantile (0..1) of ascending-sorted values. */
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
