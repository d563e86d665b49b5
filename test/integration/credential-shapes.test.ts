import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run, tlsThroughProxy } from '../support/clients.js';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';

/** Values with characters that percent-encode and base64 differently from the raw text. */
const VALUE = 'sk-live/SECRET+4d2f=8a91c3e7';
const SECOND = 'cf-secret/VALUE+77=zz19';

/** Every form of a value an agent must never see back. */
function forms(value: string, userPass?: string): string[] {
  const out = [value, encodeURIComponent(value), Buffer.from(value).toString('base64')];
  if (userPass) out.push(userPass, Buffer.from(userPass).toString('base64'), `Basic ${Buffer.from(userPass).toString('base64')}`);
  return out;
}

interface Seen {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string[];
}

/**
 * An upstream that echoes the credential back in every shape it could arrive in: the raw
 * Authorization header, the Basic user:password decoded, the query as sent and decoded, the
 * Cloudflare Access headers, in the body, in response headers and in a cookie.
 */
async function startEchoingUpstream(ca: CaPem) {
  const pem = await makeServerCert(ca, ['localhost', '127.0.0.1']);
  const seen: Seen[] = [];
  const server = https.createServer({ cert: pem.certPem, key: pem.keyPem }, (req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers, raw: req.rawHeaders });
    const auth = req.headers.authorization ?? '';
    const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const body = JSON.stringify({
      authorization: auth,
      basic,
      password: basic.slice(basic.indexOf(':') + 1),
      path: req.url,
      keys: query.getAll('key'),
      cf: [req.headers['cf-access-client-id'], req.headers['cf-access-client-secret']],
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-echo-auth': auth || 'none',
      'x-echo-basic': basic || 'none',
      'x-echo-key': query.get('key') ?? 'none',
      'set-cookie': `k=${encodeURIComponent(query.get('key') ?? basic)}`,
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

type Upstream = Awaited<ReturnType<typeof startEchoingUpstream>>;
let ca: CaPem;
let ups: Record<'basic' | 'stripe' | 'query' | 'headers', Upstream>;
let gw: GatewayProcess;
let caFile: string;

beforeAll(async () => {
  const [local, upstreamCa] = await Promise.all([makeCa('OneCLI Test Local CA'), makeCa('Test Upstream CA')]);
  ca = local;
  const [basic, stripe, query, headers] = await Promise.all([1, 2, 3, 4].map(() => startEchoingUpstream(upstreamCa)));
  ups = { basic: basic!, stripe: stripe!, query: query!, headers: headers! };
  gw = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [
      { host: `localhost:${ups.basic.port}`, basic: 'x-access-token:{value}', value: VALUE },
      { host: `localhost:${ups.stripe.port}`, preset: 'stripe', value: VALUE },
      { host: `localhost:${ups.query.port}`, query: 'key', value: VALUE },
      { host: `localhost:${ups.headers.port}`, preset: 'cloudflare-access', value: VALUE, more: [SECOND] },
    ],
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-shapes-'));
  caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all(Object.values(ups ?? {}).map((u) => u.close()));
});

/** curl through the proxy door, headers and body: what the agent sees. */
async function curl(url: string, ...args: string[]): Promise<string> {
  const r = await run('curl', ['-sS', '-i', '--fail-with-body', '-x', gw.proxyUrl(SECRETS.agentToken), '--cacert', caFile, ...args, url]);
  expect(r.stderr).toBe('');
  return r.stdout;
}

function expectNoForm(agentSaw: string, values: string[]) {
  for (const v of values) expect(agentSaw, `the agent saw ${v}`).not.toContain(v);
  expect(agentSaw).toMatch(/\*{8,}/);
}

describe('Basic auth from a template', () => {
  test('curl -u: the agent’s own user:password is replaced by x-access-token:<value>, sent base64 (RFC 7617)', async () => {
    const saw = await curl(`https://localhost:${ups.basic.port}/repo.git/info/refs`, '-u', `agent:${SECRETS.phantom}`);
    const req = ups.basic.seen.at(-1)!;
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`x-access-token:${VALUE}`).toString('base64')}`);
    expect(req.raw.filter((h) => h.toLowerCase() === 'authorization')).toHaveLength(1);
    expect(JSON.stringify(req.headers)).not.toContain(SECRETS.phantom);
    expectNoForm(saw, forms(VALUE, `x-access-token:${VALUE}`));
  });

  test('the Stripe preset: the key as the user name, an empty password', async () => {
    const saw = await curl(`https://localhost:${ups.stripe.port}/v1/charges`, '-H', `authorization: Bearer ${SECRETS.phantom}`);
    expect(ups.stripe.seen.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from(`${VALUE}:`).toString('base64')}`);
    expectNoForm(saw, forms(VALUE, `${VALUE}:`));
  });
});

describe('query parameter', () => {
  test('curl ?key=: every copy the agent sent (any case, ;, %6Bey) is replaced by one key with the value', async () => {
    const saw = await curl(`https://localhost:${ups.query.port}/v1/models?key=${SECRETS.phantom}&KEY=x;key=y&%6Bey=z&q=a%20b`);
    const sent = ups.query.seen.at(-1)!.path;
    expect(sent).toBe(`/v1/models?q=a%20b&key=${encodeURIComponent(VALUE)}`);
    const params = new URLSearchParams(sent.split('?')[1]?.replaceAll(';', '&'));
    expect(params.getAll('key')).toEqual([VALUE]);
    expect(sent).not.toContain(SECRETS.phantom);
    expectNoForm(saw, forms(VALUE));
  });

  test('curl with no query of its own gets one', async () => {
    await curl(`https://localhost:${ups.query.port}/v1/models`);
    expect(ups.query.seen.at(-1)?.path).toBe(`/v1/models?key=${encodeURIComponent(VALUE)}`);
  });

  test('a target with a fragment is refused with 400, and nothing reaches the upstream', async () => {
    const before = ups.query.seen.length;
    const socket = await tlsThroughProxy(gw.port, SECRETS.agentToken, `localhost:${ups.query.port}`, { ca: ca.certPem });
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      socket.end(`GET /v1/models?a=1#&key=mine HTTP/1.1\r\nHost: localhost:${ups.query.port}\r\nConnection: close\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(ups.query.seen.length).toBe(before);
  });
});

describe('several headers from several references', () => {
  test('curl with its own CF-Access-Client-Id: both headers are ours, one copy each, and masked on the way back', async () => {
    const saw = await curl(`https://localhost:${ups.headers.port}/app`, '-H', `CF-Access-Client-Id: ${SECRETS.phantom}`, '-H', 'cf-access-client-secret: mine');
    const req = ups.headers.seen.at(-1)!;
    expect(req.headers['cf-access-client-id']).toBe(VALUE);
    expect(req.headers['cf-access-client-secret']).toBe(SECOND);
    expect(req.raw.filter((h) => h.toLowerCase().startsWith('cf-access-client'))).toHaveLength(2);
    expectNoForm(saw, [...forms(VALUE), ...forms(SECOND)]);
  });
});

test('the gateway log holds no form of either value', () => {
  const log = gw.lines.join('\n');
  for (const v of [...forms(VALUE, `x-access-token:${VALUE}`), ...forms(SECOND)]) expect(log).not.toContain(v);
});
