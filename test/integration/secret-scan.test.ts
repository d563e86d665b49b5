import { afterAll, beforeAll, expect, test } from 'vitest';
import { basicAuth, rawRequest, readToEnd, run } from '../support/clients.js';
import { SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

const WRONG_TOKEN = 'tok-wrong-SECRET-5e6f7a8b9c';
const COOKIE = 'session=COOKIE-SECRET-1a2b3c';
const QUERY_SECRET = 'QUERY-SECRET-d4e5f6';
const ALL = [SECRETS.agentToken, SECRETS.value, SECRETS.phantom, WRONG_TOKEN, 'COOKIE-SECRET-1a2b3c', QUERY_SECRET];

let f: Fixture;
let untrusted: TlsUpstream;
beforeAll(async () => {
  // An upstream whose CA the gateway does not trust, for the upstream_tls error path.
  untrusted = await startTlsUpstream(await makeServerCert(await makeCa('Untrusted CA'), ['127.0.0.1']));
  f = await startFixture(
    (up) => [
      { host: up.authority, header: 'x-api-key', value: SECRETS.value, route: 'anthropic' },
      { host: `127.0.0.1:${untrusted.port}`, value: SECRETS.value },
      { host: 'api.mapped.example:80', value: SECRETS.value },
    ],
    { logLevel: 'trace' },
  );
});
afterAll(async () => {
  await f?.stop();
  await untrusted?.close();
});

test('known secrets sent through every path appear in no log line and no error body', async () => {
  const bodies: string[] = [];
  const curl = async (args: string[]) => bodies.push((await run('curl', ['-sS', '-i', ...args])).stdout);
  const withSecrets = ['-H', `authorization: Bearer ${SECRETS.phantom}`, '-H', `x-api-key: ${SECRETS.phantom}`, '-H', `cookie: ${COOKIE}`];
  const mitm = ['-x', f.proxy, '--cacert', f.caFile];

  await curl([...mitm, ...withSecrets, `https://${f.upstream.authority}/echo?key=${QUERY_SECRET}`]); // proxy auth + injection
  await curl(['-x', f.gateway.proxyUrl(WRONG_TOKEN), '--cacert', f.caFile, `https://${f.upstream.authority}/echo`]); // 407
  await curl([...mitm, ...withSecrets, '-H', 'Host: elsewhere.example', `https://${f.upstream.authority}/echo`]); // 421
  await curl([...mitm, ...withSecrets, `https://${f.upstream.authority}/reset?key=${QUERY_SECRET}`]); // upstream reset
  await curl(['-x', f.proxy, '--cacert', f.caFile, ...withSecrets, `https://127.0.0.1:${untrusted.port}/echo`]); // upstream_tls
  await curl(['-x', f.proxy, ...withSecrets, `http://api.mapped.example/x?key=${QUERY_SECRET}`]); // insecure_http
  await curl(['-x', f.proxy, ...withSecrets, `http://127.0.0.1:1/x`]); // unreachable plain
  await curl([
    '-H',
    `x-api-key: ${SECRETS.agentToken}`,
    '-H',
    `cookie: ${COOKIE}`,
    `http://127.0.0.1:${f.gateway.port}/r/anthropic/v1/messages?key=${QUERY_SECRET}`,
  ]); // route door
  await curl(['-H', `x-api-key: ${WRONG_TOKEN}`, `http://127.0.0.1:${f.gateway.port}/r/anthropic/v1/messages`]); // route 401
  await curl(['-H', `authorization: Bearer ${WRONG_TOKEN}`, `http://127.0.0.1:${f.gateway.port}/r/nope/x`]); // unknown route
  const bad = await rawRequest(f.gateway.port, `CONNECT ${WRONG_TOKEN} HTTP/1.1\r\nProxy-Authorization: ${basicAuth(WRONG_TOKEN)}\r\n\r\n`);
  bodies.push(await readToEnd(bad));
  await new Promise((r) => setTimeout(r, 300)); // let the async log destination flush

  // The paths really ran: the upstream got the injected value, and errors were answered.
  expect(f.upstream.requests.some((r) => r.headers['x-api-key'] === SECRETS.value)).toBe(true);
  expect(bodies.join('\n')).toMatch(/upstream_tls[\s\S]*insecure_http/);
  expect(f.gateway.lines.length).toBeGreaterThan(10);

  // Gateway-made answers only: the echo upstream's 200s reflect what it received, by design.
  const errorBodies = bodies.filter((b) => /^x-onecli-error:/im.test(b));
  expect(errorBodies.length).toBeGreaterThanOrEqual(8);
  for (const secret of ALL) {
    expect(f.gateway.lines.filter((l) => l.includes(secret))).toEqual([]);
    expect(errorBodies.filter((b) => b.includes(secret))).toEqual([]);
  }
});
