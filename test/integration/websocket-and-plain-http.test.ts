import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import { run, tlsThroughProxy } from '../support/clients.js';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';

let f: Fixture;
let plain: http.Server;
let plainSeen: http.IncomingHttpHeaders[];
beforeAll(async () => {
  plainSeen = [];
  plain = http.createServer((req, res) => {
    plainSeen.push(req.headers);
    res.end(JSON.stringify(req.headers));
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const plainPort = (plain.address() as AddressInfo).port;
  f = await startFixture((up) => [
    { host: up.authority, header: 'x-api-key', value: SECRETS.value, route: 'ws' },
    { host: `127.0.0.1:${plainPort}`, value: SECRETS.value },
    { host: 'api.mapped.example:80', value: SECRETS.value },
  ]);
});
afterAll(async () => {
  await f?.stop();
  plain?.close();
});

function wsRoundTrip(ws: WebSocket, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(message));
    ws.once('message', (data) => {
      resolve(data.toString());
      ws.close();
    });
  });
}

describe('WebSocket upgrades', () => {
  test('through a mapped host (CONNECT + MITM), with the header injected', async () => {
    const tunnel = await tlsThroughProxy(f.gateway.port, SECRETS.agentToken, f.upstream.authority, { ca: f.ca.certPem });
    const ws = new WebSocket(`wss://${f.upstream.authority}/v1/responses`, {
      createConnection: () => tunnel,
      headers: { 'x-api-key': SECRETS.phantom },
    } as WebSocket.ClientOptions);
    // The upstream echoes the key in a frame: the agent gets the frame, masked.
    expect(await wsRoundTrip(ws, 'hello')).toBe(`${MASKED_VALUE}|hello`);
    expect(f.upstream.upgrades.at(-1)?.['x-api-key']).toBe(SECRETS.value);
  });

  test('through the base-URL door', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${f.gateway.port}/r/ws/v1/responses`, { headers: { 'x-api-key': SECRETS.agentToken } });
    expect(await wsRoundTrip(ws, 'again')).toBe(`${MASKED_VALUE}|again`);
    expect(f.upstream.upgrades.at(-1)?.['x-api-key']).toBe(SECRETS.value);
  });

  test('an upgrade the upstream refuses is relayed as its answer', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${f.gateway.port}/r/ws/v1/x`, { headers: { 'x-api-key': 'wrong-token-0000000000' } });
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });
});

describe('plain http:// through the proxy', () => {
  test('a request addressed to the gateway itself (base-URL door through the proxy) is answered here, not forwarded to itself', async () => {
    const self = `http://127.0.0.1:${f.gateway.port}`;
    const health = await run('curl', ['-sS', '-x', f.proxy, `${self}/healthz`]);
    expect(health.stdout).toBe('{"ok":true}');
    const before = f.upstream.requests.length;
    const r = await run('curl', ['-sS', '-x', f.proxy, '-H', `x-api-key: ${SECRETS.agentToken}`, `${self}/r/ws/echo`]);
    expect(JSON.parse(r.stdout).path).toBe('/echo');
    expect(f.upstream.requests.length).toBe(before + 1);
    expect(f.upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
  });

  test('a mapped loopback host gets the credential', async () => {
    const port = (plain.address() as AddressInfo).port;
    const r = await run('curl', ['-sS', '-x', f.proxy, `http://127.0.0.1:${port}/x`]);
    expect(JSON.parse(r.stdout).authorization).toBe(`Bearer ${MASKED_VALUE}`);
    expect(plainSeen.at(-1)?.authorization).toBe(`Bearer ${SECRETS.value}`);
  });

  test('a mapped non-loopback host never gets a credential: 403 insecure_http, nothing sent', async () => {
    const r = await run('curl', ['-sS', '-i', '-x', f.proxy, 'http://api.mapped.example/v1/x']);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 403/m);
    expect(r.stdout).toMatch(new RegExp(`${GATEWAY_ERROR_HEADER}: insecure_http`));
    expect(r.stdout).toContain('use https://api.mapped.example');
    expect(r.stdout).not.toContain(SECRETS.value);
  });

  test('an unmapped host is forwarded untouched, minus the proxy credentials', async () => {
    await new Promise<void>((r) => setTimeout(r, 10));
    const before = plainSeen.length;
    const port = (plain.address() as AddressInfo).port;
    const r = await run('curl', ['-sS', '-x', f.proxy, '-H', 'authorization: Bearer own', `http://localhost:${port}/y`]);
    expect(r.code).toBe(0);
    const seen = plainSeen[before]!;
    expect(seen.authorization).toBe('Bearer own');
    expect(seen['proxy-authorization']).toBeUndefined();
  });

  test('no agent token → 407', async () => {
    const r = await run('curl', ['-sS', '-i', '-x', `http://127.0.0.1:${f.gateway.port}`, 'http://api.mapped.example/']);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 407/m);
    expect(r.stdout).toMatch(/Proxy-Authenticate: Basic/i);
  });
});
