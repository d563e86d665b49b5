import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { basicAuth, rawRequest, readToEnd, run } from '../support/clients.js';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture((up) => [{ host: up.authority, value: SECRETS.value }], {
    timeouts: { headersMs: 800, handshakeMs: 800, idleMs: 1_500, keepAliveMs: 1_000 },
  });
});
afterAll(() => f?.stop());

/** After every assault the gateway must still be up and serving. */
async function stillServing() {
  expect(f.gateway.child.exitCode).toBeNull();
  const r = await run('curl', ['-sS', `http://127.0.0.1:${f.gateway.port}/healthz`]);
  expect(r.stdout).toBe('{"ok":true}');
}

function closedWithin(socket: net.Socket, ms: number): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

const auth = `Proxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n`;

describe('bad input never crashes the gateway and never leaks', () => {
  test.each([
    ['no port', `CONNECT nonsense HTTP/1.1\r\n${auth}\r\n`, 400],
    ['empty host', `CONNECT :443 HTTP/1.1\r\n${auth}\r\n`, 400],
    ['port out of range', `CONNECT a.example:99999 HTTP/1.1\r\n${auth}\r\n`, 400],
    ['not HTTP at all', '\x16\x03\x01\x02\x00garbage\r\n\r\n', 400],
    ['a bare word', 'HELLO\r\n\r\n', 400],
  ])('malformed CONNECT line (%s) → %i', async (_name, bytes, status) => {
    const res = await rawRequest(f.gateway.port, bytes);
    expect(res.status).toBe(status);
    res.socket.destroy();
    await stillServing();
  });

  test('oversized headers → 431', async () => {
    const res = await rawRequest(f.gateway.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    res.socket.destroy();
    await stillServing();
  });

  test('garbage instead of a TLS ClientHello after CONNECT: closed, nothing forwarded', async () => {
    const before = f.upstream.requests.length;
    const res = await rawRequest(f.gateway.port, `CONNECT ${f.upstream.authority} HTTP/1.1\r\n${auth}\r\n`);
    expect(res.status).toBe(200);
    res.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(10));
    await closedWithin(res.socket, 3_000);
    expect(f.upstream.requests.length).toBe(before);
    await stillServing();
  });

  test('a CONNECT that never starts TLS is closed after the handshake timeout', async () => {
    const res = await rawRequest(f.gateway.port, `CONNECT ${f.upstream.authority} HTTP/1.1\r\n${auth}\r\n`);
    expect(await closedWithin(res.socket, 3_000)).toBeGreaterThanOrEqual(600);
  });

  test('slowloris: headers dribbled byte by byte are cut off', async () => {
    const socket = net.connect(f.gateway.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const line = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
    let i = 0;
    const drip = setInterval(() => socket.writable && socket.write(line[i++ % line.length] as string), 100);
    try {
      await closedWithin(socket, 4_000);
    } finally {
      clearInterval(drip);
    }
    await stillServing();
  });

  test('an idle blind tunnel is closed after the idle timeout', async () => {
    const res = await rawRequest(f.gateway.port, `CONNECT 127.0.0.1:${f.upstream.port} HTTP/1.1\r\n${auth}\r\n`);
    expect(res.status).toBe(200);
    expect(await closedWithin(res.socket, 4_000)).toBeGreaterThanOrEqual(1_000);
  });

  test('a client that resets mid-stream: the gateway carries on', async () => {
    const dispatcher = new ProxyAgent({ uri: f.proxy, requestTls: { ca: f.ca.certPem } });
    const controller = new AbortController();
    const res = await undiciFetch(`https://${f.upstream.authority}/sse?n=20&gap=100`, { dispatcher, signal: controller.signal });
    await res.body!.getReader().read();
    controller.abort();
    await dispatcher.destroy();
    await stillServing();
    const again = await run('curl', ['-sS', '-x', f.proxy, '--cacert', f.caFile, `https://${f.upstream.authority}/echo`]);
    expect(JSON.parse(again.stdout).headers.authorization).toBe(`Bearer ${MASKED_VALUE}`);
    expect(f.upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SECRETS.value}`);
  });

  test('an upstream that resets → 502 upstream_unreachable, JSON body', async () => {
    const r = await run('curl', ['-sS', '-i', '-x', f.proxy, '--cacert', f.caFile, `https://${f.upstream.authority}/reset`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 502/m);
    expect(r.stdout).toMatch(/x-onecli-error: upstream_unreachable/);
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).error.message).toMatch(/Could not reach localhost:\d+ \(ECONNRESET\)/);
    await stillServing();
  });

  test('a client reset during CONNECT setup', async () => {
    for (let i = 0; i < 20; i++) {
      const s = net.connect(f.gateway.port, '127.0.0.1', () => {
        s.write(`CONNECT ${f.upstream.authority} HTTP/1.1\r\n${auth}\r\n`);
        s.resetAndDestroy();
      });
      s.on('error', () => undefined);
    }
    // The resets' errors surface in the gateway a moment later; a crash from them would show below.
    await new Promise((r) => setTimeout(r, 200));
    await stillServing();
  });

  test('nothing above put a secret in the log', async () => {
    const log = f.gateway.lines.join('\n');
    expect(log).not.toContain(SECRETS.agentToken);
    expect(log).not.toContain(SECRETS.value);
    const res = await rawRequest(f.gateway.port, `CONNECT ${f.upstream.authority} HTTP/1.1\r\n\r\n`);
    expect(await readToEnd(res)).not.toContain(SECRETS.value);
  });
});
