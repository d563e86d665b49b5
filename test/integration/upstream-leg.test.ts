/**
 * The upstream leg (src/gateway/upstream-request.ts, issue 18): what the gateway does on its own
 * connections to an upstream, beside what the red-team files pin. A pooled connection the
 * upstream closed is retried once for a request that carries nothing, SNI names only names, a
 * connect that never finishes its handshake ends in 504, and a body the client sent chunked
 * arrives whole. Each runs through the real gateway process and the base-URL door.
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

interface Seen {
  connection: number;
  /** Which request on its connection, from 1. */
  nth: number;
  method: string;
  path: string;
}

/**
 * Answers the first request on each connection (keep-alive) and drops the connection, unanswered,
 * on the second: the race a pooled client meets when a server closes an idle connection just as
 * the next request goes out. Records the SNI each connection brought.
 */
async function startForgetfulUpstream(pem: { certPem: string; keyPem: string }) {
  const seen: Seen[] = [];
  const servernames: (string | false)[] = [];
  const server = tls.createServer({ cert: pem.certPem, key: pem.keyPem }, (socket) => {
    const connection = servernames.push((socket as tls.TLSSocket & { servername: string | false }).servername);
    let nth = 0;
    let buf = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const [method = '', path = ''] = buf.slice(0, buf.indexOf('\r\n')).split(' ');
      buf = '';
      seen.push({ connection, nth: ++nth, method, path });
      if (nth === 1) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=30\r\n\r\nok`);
      else socket.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { port, seen, servernames, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let ca: CaPem;
let upstreamCa: CaPem;
let forgetful: Awaited<ReturnType<typeof startForgetfulUpstream>>;
let echo: TlsUpstream;
let silent: net.Server;
let silentPort: number;
let gw: GatewayProcess;

const call = (route: string, path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${gw.port}/r/${route}${path}`, { ...init, headers: { 'x-api-key': SECRETS.agentToken, ...init.headers } });

beforeAll(async () => {
  [ca, upstreamCa] = await Promise.all([makeCa('Local CA'), makeCa('Upstream CA')]);
  const pem = await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']);
  forgetful = await startForgetfulUpstream(pem);
  echo = await startTlsUpstream(pem);
  // Accepts TCP and never says a word: a TLS handshake that never finishes.
  silent = net.createServer((s) => s.on('error', () => undefined));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as AddressInfo).port;
  gw = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [
      { host: `localhost:${forgetful.port}`, route: 'named', header: 'x-api-key', value: SECRETS.value },
      { host: `127.0.0.1:${forgetful.port}`, route: 'ip', header: 'x-api-key', value: SECRETS.value },
      { host: echo.authority, route: 'echo', header: 'x-api-key', value: SECRETS.value },
      { host: `127.0.0.1:${silentPort}`, route: 'silent', header: 'x-api-key', value: SECRETS.value },
    ],
    timeouts: { upstreamConnectMs: 300 },
  });
});

afterAll(async () => {
  await gw?.stop();
  await forgetful?.close();
  await echo?.close();
  silent?.close();
});

describe('a pooled connection the upstream closed without answering', () => {
  test('a GET on it is sent once more, on a new connection, and answered', async () => {
    const before = forgetful.seen.length;
    expect((await call('named', '/first')).status).toBe(200);
    const second = await call('named', '/second');
    expect(second.status).toBe(200);
    expect(await second.text()).toBe('ok');
    const seen = forgetful.seen.slice(before);
    expect(seen.map((s) => [s.path, s.nth])).toEqual([
      ['/first', 1],
      ['/second', 2],
      ['/second', 1],
    ]);
    expect(seen[2]!.connection).not.toBe(seen[1]!.connection);
  });

  test('a POST with a body is not sent again: 502 upstream_unreachable', async () => {
    expect((await call('named', '/warm')).status).toBe(200);
    const before = forgetful.seen.length;
    const r = await call('named', '/post', { method: 'POST', body: 'once' });
    expect(r.status).toBe(502);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('upstream_unreachable');
    expect(forgetful.seen.slice(before).map((s) => s.path)).toEqual(['/post']);
  });
});

test('SNI carries the upstream host name, and nothing for an IP address (RFC 6066)', async () => {
  const before = forgetful.servernames.length;
  await call('named', '/sni');
  await call('ip', '/sni');
  expect(forgetful.servernames.slice(before)).toEqual(['localhost', false]);
});

test('an upstream that never finishes the TLS handshake: 504 after upstreamConnectMs, naming ETIMEDOUT', async () => {
  const r = await call('silent', '/x');
  expect(r.status).toBe(504);
  const body = (await r.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('upstream_unreachable');
  expect(body.error.message).toContain('ETIMEDOUT');
});

test('a body the client sent chunked arrives whole, with the credential', async () => {
  const parts = ['alpha-', 'beta-', 'gamma'];
  const body = new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
      controller.close();
    },
  });
  const r = await call('echo', '/echo', { method: 'POST', body, duplex: 'half' } as RequestInit);
  expect(r.status).toBe(200);
  const got = echo.requests.at(-1);
  expect(got?.body).toBe(parts.join(''));
  expect(got?.headers['x-api-key']).toBe(SECRETS.value);
});
