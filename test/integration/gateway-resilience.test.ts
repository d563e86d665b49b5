/**
 * No input can take the gateway down, and a revoked agent or a removed mapping stops at once,
 * also on connections opened before. Faults are injected into the request path of a gateway
 * running in this process (so an escaped exception fails this test run), bad values and
 * revocations go through the real gateway process over its launcher channel.
 */
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { GatewayMapping } from '../../src/shared/gateway-config.js';
import { GatewayRuntimeConfig } from '../../src/shared/gateway-config.js';
import type { ResolveResult } from '../../src/shared/vault-errors.js';
import { startGateway, type RunningGateway } from '../../src/gateway/gateway.js';
import { basicAuth, rawRequest, run, tlsThroughProxy } from '../support/clients.js';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

const OTHER_TOKEN = 'tok-other-agent-00000000000000';
let ca: CaPem;
let upstreamCa: CaPem;
let upstream: TlsUpstream;

beforeAll(async () => {
  [ca, upstreamCa] = await Promise.all([makeCa('Local CA'), makeCa('Upstream CA')]);
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
});
afterAll(() => upstream?.close());

const mapping = (id: string, host: string, route?: string): GatewayMapping => ({
  id,
  host,
  port: upstream.port,
  rule: { type: 'x-api-key' },
  ...(route ? { route } : {}),
});

/** One request over an open TLS tunnel; resolves with the raw response, or 'closed'. */
function requestOnTunnel(tunnel: TLSSocket, path: string, authority: string): Promise<string> {
  return new Promise((resolve) => {
    if (tunnel.destroyed) return resolve('closed');
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString('latin1');
      const m = /content-length: (\d+)\r\n/i.exec(out);
      const end = out.indexOf('\r\n\r\n');
      if (m && end !== -1 && out.length >= end + 4 + Number(m[1])) {
        tunnel.off('data', onData);
        resolve(out);
      }
    };
    tunnel.on('data', onData);
    tunnel.once('close', () => resolve(out || 'closed'));
    tunnel.write(`GET ${path} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

describe('a fault injected into one request ends that request only', () => {
  let gw: RunningGateway;
  const logLines: string[] = [];
  const poison = {
    toString: () => {
      throw new Error('poisoned value');
    },
  } as unknown as string;
  let armed = false;

  beforeAll(async () => {
    const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) }));
    const config = GatewayRuntimeConfig.parse({
      listen: { host: '127.0.0.1', port: 0 },
      ca: { certPem: ca.certPem, keyPem: ca.keyPem },
      extraCaPem: upstreamCa.certPem,
      agents: [
        { name: 'victim', token: SECRETS.agentToken },
        { name: 'bystander', token: OTHER_TOKEN },
      ],
      mappings: [
        mapping('good', 'localhost', 'good'),
        { id: 'sync-fault', host: 'sync.example', port: 443, rule: { type: 'bearer' }, route: 'sync' },
        { id: 'async-fault', host: 'async.example', port: 443, rule: { type: 'bearer' }, route: 'async' },
      ],
      logLevel: 'debug',
    });
    gw = await startGateway(config, {
      log,
      resolve: (id): Promise<ResolveResult> => {
        if (id === 'sync-fault') throw new Error('a bug in the resolve path');
        if (id === 'async-fault') return Promise.resolve({ ok: true, value: poison });
        return Promise.resolve({ ok: true, value: SECRETS.value });
      },
      clock: {
        now: () =>
          armed
            ? (() => {
                throw new Error('clock fault');
              })()
            : Date.now(),
      },
    });
  });
  afterAll(() => gw?.close());

  test('faults in the sync path, after an async resolve, and at a cache read: 500 internal_error each, other connections untouched', async () => {
    const port = gw.address.port;
    // A bystander's streaming response and a keep-alive tunnel, open while the faults happen.
    const sse = fetch(`http://127.0.0.1:${port}/r/good/sse?n=6&gap=80`, { headers: { 'x-api-key': OTHER_TOKEN } }).then((r) => r.text());
    const tunnel = await tlsThroughProxy(port, OTHER_TOKEN, upstream.authority, { ca: ca.certPem });
    expect(await requestOnTunnel(tunnel, '/bytes?n=10', upstream.authority)).toMatch(/^HTTP\/1\.1 200/);

    for (const route of ['sync', 'async']) {
      const r = await fetch(`http://127.0.0.1:${port}/r/${route}/x`, { headers: { 'x-api-key': SECRETS.agentToken } });
      expect(r.status).toBe(500);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('internal_error');
    }
    // A fault in a shared component (the cache's clock) during a request.
    armed = true;
    const viaCache = await fetch(`http://127.0.0.1:${port}/r/good/echo`, { headers: { 'x-api-key': SECRETS.agentToken } });
    armed = false;
    expect(viaCache.status).toBe(500);
    const raw = await rawRequest(port, `CONNECT ${upstream.authority} HTTP/1.1\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n\r\n`);
    expect(raw.status).toBe(200);
    raw.socket.destroy();

    // The bystander saw none of it.
    const events = await sse;
    expect(events.match(/event: message/g)).toHaveLength(6);
    expect(await requestOnTunnel(tunnel, '/bytes?n=10', upstream.authority)).toMatch(/^HTTP\/1\.1 200/);
    tunnel.destroy();
    expect(logLines.some((l) => l.includes('a request failed inside the gateway'))).toBe(true);
    expect(logLines.join('')).not.toContain(SECRETS.value);
  });
});

describe('through the real gateway process and its launcher channel', () => {
  let gw: ForkedGateway;
  const values = new Map<string, string>([
    ['crlf', 'sk-first-line\r\nX-Injected: 1'],
    ['two-newlines', 'sk-pasted-with-newlines\n\n'],
    ['euro', 'sk-price-€-key'],
    ['nul', 'sk-nul\u0000key'],
  ]);
  const agents = [
    { name: 'claude', token: SECRETS.agentToken },
    { name: 'codex', token: OTHER_TOKEN },
  ];
  const config = () => ({
    listen: { host: '127.0.0.1', port: 0 },
    ca: { certPem: ca.certPem, keyPem: ca.keyPem },
    extraCaPem: upstreamCa.certPem,
    agents,
    mappings: [
      mapping('upstream', 'localhost', 'up'),
      ...[...values.keys()].map((id) => ({ id, host: `${id}.example`, port: 443, rule: { type: 'bearer' as const }, route: id })),
    ],
    logLevel: 'debug' as const,
  });

  beforeAll(async () => {
    gw = await forkGateway(config(), (id) => ({ ok: true, value: values.get(id) ?? SECRETS.value }));
  });
  afterAll(() => gw?.stop());

  test.each([...values.keys()])('a resolved value with %s: 502 invalid_value naming the mapping, and the gateway keeps running', async (id) => {
    const r = await run('curl', ['-sS', '-i', '-H', `x-api-key: ${SECRETS.agentToken}`, `http://127.0.0.1:${gw.port}/r/${id}/v1/x`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 502/);
    expect(r.stdout).toMatch(/x-onecli-error: invalid_value/);
    const body = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { error: { code: string; mapping: string; message: string } };
    expect(body.error).toMatchObject({ code: 'invalid_value', mapping: id });
    expect(body.error.message).toMatch(/line break|control character|outside printable ASCII/);
    expect(r.stdout).not.toContain(values.get(id)!.slice(3, 12));
    expect(gw.child.exitCode).toBeNull();
    const ok = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      `x-api-key: ${SECRETS.agentToken}`,
      `http://127.0.0.1:${gw.port}/r/up/echo`,
    ]);
    expect(ok.stdout).toBe('200');
  });

  test('revoking an agent closes its open tunnels and WebSockets, and its next request on them fails', async () => {
    const mitm = await tlsThroughProxy(gw.port, SECRETS.agentToken, upstream.authority, { ca: ca.certPem });
    expect(await requestOnTunnel(mitm, '/echo', upstream.authority)).toMatch(/^HTTP\/1\.1 200/);
    const blind = await rawRequest(gw.port, `CONNECT 127.0.0.1:${upstream.port} HTTP/1.1\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n\r\n`);
    expect(blind.status).toBe(200);
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/r/up/v1/responses`, { headers: { 'x-api-key': SECRETS.agentToken } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const bystander = await tlsThroughProxy(gw.port, OTHER_TOKEN, upstream.authority, { ca: ca.certPem });

    const closed = (s: { once(e: 'close', f: () => void): unknown }) => new Promise<void>((r) => s.once('close', () => r()));
    const allClosed = Promise.all([closed(mitm), closed(blind.socket), closed(ws)]);
    gw.send({ type: 'set-agents', agents: agents.filter((a) => a.name !== 'claude') });
    await allClosed;
    expect(await requestOnTunnel(mitm, '/echo', upstream.authority)).toBe('closed');
    // The other agent's tunnel goes on.
    expect(await requestOnTunnel(bystander, '/echo', upstream.authority)).toMatch(/^HTTP\/1\.1 200/);
    bystander.destroy();
    // And a new connection with the old token is refused.
    const again = await rawRequest(gw.port, `CONNECT ${upstream.authority} HTTP/1.1\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n\r\n`);
    expect(again.status).toBe(407);
    again.socket.destroy();
    gw.send({ type: 'set-agents', agents });
  });

  test('a token replaced under the same agent name: tunnels of the old token close', async () => {
    const mitm = await tlsThroughProxy(gw.port, SECRETS.agentToken, upstream.authority, { ca: ca.certPem });
    expect(await requestOnTunnel(mitm, '/echo', upstream.authority)).toMatch(/^HTTP\/1\.1 200/);
    const gone = new Promise<void>((r) => mitm.once('close', () => r()));
    gw.send({ type: 'set-agents', agents: [{ name: 'claude', token: 'tok-claude-reissued-000000000' }, agents[1]!] });
    await gone;
    gw.send({ type: 'set-agents', agents });
  });

  test('a removed mapping closes the WebSockets opened with its credential; an unchanged one keeps them', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/r/up/v1/responses`, { headers: { 'x-api-key': SECRETS.agentToken } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    gw.send({ type: 'set-mappings', mappings: config().mappings });
    // An absence (the socket is *not* closed) has no event to wait for: give the message time to land.
    await new Promise((r) => setTimeout(r, 150));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    gw.send({ type: 'set-mappings', mappings: config().mappings.filter((m) => m.id !== 'upstream') });
    await closed;
    gw.send({ type: 'set-mappings', mappings: config().mappings });
  });

  test('a removed mapping: the next request on a tunnel opened before gets no credential, then the tunnel closes', async () => {
    const mitm = await tlsThroughProxy(gw.port, SECRETS.agentToken, upstream.authority, { ca: ca.certPem });
    expect(await requestOnTunnel(mitm, '/echo', upstream.authority)).toMatch(/^HTTP\/1\.1 200/);
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
    gw.send({ type: 'set-mappings', mappings: config().mappings.filter((m) => m.id !== 'upstream') });
    // The gateway has no ack for set-mappings; a request that overtook it would carry the key and fail the test, never pass it.
    await new Promise((r) => setTimeout(r, 100));
    const after = await requestOnTunnel(mitm, '/echo', upstream.authority);
    expect(after).toMatch(/^HTTP\/1\.1 200/);
    expect(after).toMatch(/connection: close/i);
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBeUndefined();
    gw.send({ type: 'set-mappings', mappings: config().mappings });
  });

  test('no value reached the gateway log', () => {
    const log = gw.lines.join('\n');
    expect(log).not.toContain(SECRETS.value);
    for (const v of values.values()) expect(log).not.toContain(v);
  });
});

describe('the standalone gateway with a bad value in its environment', () => {
  test('starts, says which variable to fix, answers that mapping with 502 invalid_value and the others normally', async () => {
    const gw = await startGatewayProcess({
      ca,
      upstreamCaPem: upstreamCa.certPem,
      tokens: [SECRETS.agentToken],
      mappings: [
        { host: upstream.authority, route: 'good', header: 'x-api-key', value: SECRETS.value },
        { host: 'bad.example', route: 'bad', value: 'sk-pasted\nwith-a-newline' },
      ],
    });
    try {
      expect(gw.lines.join('\n')).toMatch(/INJECT_VALUE_1: the value contains a line break/);
      const bad = await fetch(`http://127.0.0.1:${gw.port}/r/bad/x`, { headers: { 'x-api-key': SECRETS.agentToken } });
      expect(bad.status).toBe(502);
      expect(((await bad.json()) as { error: { code: string; mapping: string } }).error).toMatchObject({ code: 'invalid_value', mapping: 'bad.example:443' });
      const good = await fetch(`http://127.0.0.1:${gw.port}/r/good/echo`, { headers: { 'x-api-key': SECRETS.agentToken } });
      expect(good.status).toBe(200);
      expect(gw.child.exitCode).toBeNull();
    } finally {
      await gw.stop();
    }
  });
});

test('SIGTERM with tunnels and WebSockets still open: the gateway closes them after its grace period and exits', async () => {
  const gw = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [{ host: upstream.authority, route: 'up', header: 'x-api-key', value: SECRETS.value }],
  });
  const blind = await rawRequest(gw.port, `CONNECT 127.0.0.1:${upstream.port} HTTP/1.1\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n\r\n`);
  expect(blind.status).toBe(200);
  const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/r/up/v1/responses`, { headers: { 'x-api-key': SECRETS.agentToken } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const t0 = Date.now();
  await gw.stop();
  expect(Date.now() - t0).toBeLessThan(4_000);
  expect(gw.child.exitCode).toBe(0);
  blind.socket.destroy();
});
