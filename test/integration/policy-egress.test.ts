/**
 * Issue 14, egress: an agent whose egress is an allowlist reaches only its listed hosts and the
 * mapped hosts in its scope, through every door; anything else gets 403 egress_denied naming the
 * host and the agent, and no socket is opened to that host (a recording listener proves it).
 * The red-team cases (spellings of one host, ports, Host vs CONNECT, route door, names that
 * resolve to this machine, SNI fronting) each have a test here.
 */
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import type { GatewayRuntimeConfigInput } from '../../src/shared/gateway-config.js';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import { basicAuth, rawRequest, readToEnd, run, tlsThroughProxy } from '../support/clients.js';
import { startConnectionRecorder, type ConnectionRecorder } from '../support/connection-recorder.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';
import { waitFor } from '../support/wait-for.js';

const TOKENS = {
  open: 'tok-egress-open-000000000000',
  fenced: 'tok-egress-fenced-0000000000',
  scoped: 'tok-egress-scoped-0000000000',
  named: 'tok-egress-named-00000000000',
};
const VALUE = 'sk-egress-mapped-value-000000';
let ca: CaPem;
let upstreamCa: CaPem;
let mapped: TlsUpstream;
let blind: TlsUpstream;
let denied: ConnectionRecorder;
let gw: ForkedGateway;
let upstreamCaFile: string;
/** This machine's name, when it resolves to loopback (as /etc/hosts usually makes it). */
let loopbackName: string | undefined;

function agents(): GatewayRuntimeConfigInput['agents'] {
  return [
    { name: 'open', token: TOKENS.open },
    { name: 'fenced', token: TOKENS.fenced, egress: { mode: 'allowlist', hosts: [`127.0.0.1:${blind.port}`, `localhost:${blind.port}`, 'registry.example'] } },
    { name: 'scoped', token: TOKENS.scoped, allow: ['no-such-mapping'], egress: { mode: 'allowlist', hosts: [] } },
    { name: 'named', token: TOKENS.named, egress: { mode: 'allowlist', hosts: loopbackName ? [`${loopbackName}:${denied.port}`] : [] } },
  ];
}

beforeAll(async () => {
  ca = await makeCa('Local CA');
  upstreamCa = await makeCa('Upstream CA');
  const cert = await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']);
  mapped = await startTlsUpstream(cert);
  blind = await startTlsUpstream(cert);
  denied = await startConnectionRecorder();
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-egress-'));
  upstreamCaFile = path.join(dir, 'upstream-ca.pem');
  writeFileSync(upstreamCaFile, upstreamCa.certPem);
  const name = hostname().toLowerCase();
  const addresses = await lookup(name, { all: true }).catch(() => []);
  if (name !== 'localhost' && addresses.length && addresses.every((a) => a.address.startsWith('127.') || a.address === '::1')) loopbackName = name;
  gw = await forkGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      ca: { certPem: ca.certPem, keyPem: ca.keyPem },
      extraCaPem: upstreamCa.certPem,
      agents: agents(),
      mappings: [{ id: `localhost:${mapped.port}`, host: 'localhost', port: mapped.port, rule: { type: 'x-api-key' }, route: 'up' }],
      logLevel: 'debug',
    },
    () => ({ ok: true, value: VALUE }),
  );
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([mapped?.close(), blind?.close(), denied?.close()]);
});

/** A CONNECT, answered: status, error code and the JSON body when the gateway refused. */
async function connect(token: string, authority: string) {
  const res = await rawRequest(gw.port, `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: ${basicAuth(token)}\r\n\r\n`);
  if (res.status === 200) {
    res.socket.destroy();
    return { status: 200, code: undefined, body: undefined };
  }
  const body = JSON.parse(await readToEnd(res)) as { error: { code: string; message: string; agent?: string; host?: string } };
  return { status: res.status, code: res.headers[GATEWAY_ERROR_HEADER], body };
}

/** One raw request inside a terminated tunnel: the status and error code of its answer. */
async function inTunnel(token: string, authority: string, request: string) {
  const socket: TLSSocket = await tlsThroughProxy(gw.port, token, authority, { ca: ca.certPem });
  return new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const code = /\r\nx-onecli-error: ([a-z_]+)/i.exec(buf.slice(0, end))?.[1];
      socket.destroy();
      resolve({ status: Number(buf.split(' ')[1]), code });
    });
    socket.on('error', reject);
    socket.write(request);
  });
}

const proxyFor = (token: string) => `http://x:${token}@127.0.0.1:${gw.port}`;

describe('CONNECT', () => {
  test('to a host off the allowlist: 403 egress_denied naming host and agent, and no socket is opened to it', async () => {
    const r = await connect(TOKENS.fenced, `127.0.0.1:${denied.port}`);
    expect(r.status).toBe(403);
    expect(r.code).toBe('egress_denied');
    expect(r.body?.error).toMatchObject({ code: 'egress_denied', agent: 'fenced', host: `127.0.0.1:${denied.port}` });
    expect(r.body?.error.message).toContain('"fenced"');
    const curl = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_connect}', '-x', proxyFor(TOKENS.fenced), `https://127.0.0.1:${denied.port}/`]);
    expect(curl.stdout).toBe('403');
    expect(denied.connections).toBe(0);
  });

  test('the same target for an agent with open egress is tunnelled, as before (the recorder does see that)', async () => {
    const before = denied.connections;
    expect((await connect(TOKENS.open, `127.0.0.1:${denied.port}`)).status).toBe(200);
    await waitFor(() => denied.connections > before, 5_000, 'the open agent reaching the recorder');
  });

  test.each([
    ['decimal IPv4', (p: number) => `2130706433:${p}`],
    ['hex IPv4', (p: number) => `0x7f.1:${p}`],
    ['short IPv4', (p: number) => `127.1:${p}`],
    ['IPv4-mapped IPv6', (p: number) => `[::ffff:127.0.0.1]:${p}`],
    ['IPv6 loopback written out', (p: number) => `[0:0:0:0:0:0:0:1]:${p}`],
    ['localhost', (p: number) => `localhost:${p}`],
    ['LOCALHOST with a trailing dot', (p: number) => `LOCALHOST.:${p}`],
    ['the unspecified address', (p: number) => `0.0.0.0:${p}`],
  ])('no spelling reaches an unlisted host: %s', async (_, target) => {
    const before = denied.connections;
    const r = await connect(TOKENS.fenced, target(denied.port));
    expect([r.status, r.code]).toEqual([403, 'egress_denied']);
    expect(denied.connections).toBe(before);
  });

  test('a listed host:port is tunnelled blindly (curl and undici), in any spelling; another port of it is not', async () => {
    const curl = await run('curl', ['-sS', '--cacert', upstreamCaFile, '-x', proxyFor(TOKENS.fenced), `https://127.0.0.1:${blind.port}/echo`]);
    expect(curl.code).toBe(0);
    expect(JSON.parse(curl.stdout).path).toBe('/echo');
    const dispatcher = new ProxyAgent({ uri: proxyFor(TOKENS.fenced), requestTls: { ca: upstreamCa.certPem } });
    try {
      expect((await undiciFetch(`https://localhost:${blind.port}/echo`, { dispatcher })).status).toBe(200);
    } finally {
      await dispatcher.close();
    }
    expect((await connect(TOKENS.fenced, `2130706433:${blind.port}`)).status).toBe(200);
    // Listed without a port: 443 and 80 only.
    expect((await connect(TOKENS.fenced, 'registry.example:22')).code).toBe('egress_denied');
  });

  test('a mapped host in the scope is reachable and gets its credential; outside the scope it is not reachable at all', async () => {
    const dispatcher = new ProxyAgent({ uri: proxyFor(TOKENS.fenced), requestTls: { ca: ca.certPem } });
    try {
      const res = await undiciFetch(`https://localhost:${mapped.port}/echo`, { dispatcher });
      expect(res.status).toBe(200);
      expect(mapped.requests.at(-1)?.headers['x-api-key']).toBe(VALUE);
    } finally {
      await dispatcher.close();
    }
    const before = mapped.connections;
    expect((await connect(TOKENS.scoped, `localhost:${mapped.port}`)).code).toBe('egress_denied');
    expect(mapped.connections).toBe(before);
  });
});

describe('inside a terminated tunnel', () => {
  test('a Host naming a host off the allowlist: 403 egress_denied, nothing sent; with open egress it stays 421', async () => {
    const before = { mapped: mapped.requests.length, denied: denied.connections };
    const host = `127.0.0.1:${denied.port}`;
    expect(await inTunnel(TOKENS.fenced, `localhost:${mapped.port}`, `GET /echo HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toEqual({
      status: 403,
      code: 'egress_denied',
    });
    expect(await inTunnel(TOKENS.open, `localhost:${mapped.port}`, `GET /echo HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toEqual({
      status: 421,
      code: 'misdirected',
    });
    expect(mapped.requests.length).toBe(before.mapped);
    expect(denied.connections).toBe(before.denied);
  });

  test('an absolute-form target for another host: 403 egress_denied, nothing sent', async () => {
    const before = mapped.requests.length;
    const request = `GET https://127.0.0.1:${denied.port}/x HTTP/1.1\r\nHost: localhost:${mapped.port}\r\n\r\n`;
    expect(await inTunnel(TOKENS.fenced, `localhost:${mapped.port}`, request)).toEqual({ status: 403, code: 'egress_denied' });
    const schemeRelative = `GET //127.0.0.1:${denied.port}/x HTTP/1.1\r\nHost: localhost:${mapped.port}\r\n\r\n`;
    expect(await inTunnel(TOKENS.fenced, `localhost:${mapped.port}`, schemeRelative)).toEqual({ status: 403, code: 'egress_denied' });
    expect(mapped.requests.length).toBe(before);
  });

  test('a WebSocket upgrade naming another host: 403 egress_denied', async () => {
    const upgrade = `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${denied.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    expect(await inTunnel(TOKENS.fenced, `localhost:${mapped.port}`, upgrade)).toEqual({ status: 403, code: 'egress_denied' });
    expect(mapped.upgrades).toHaveLength(0);
  });
});

describe('plain HTTP, WebSockets and the base-URL door', () => {
  test('an absolute-form http:// request to an unlisted host: 403 egress_denied (curl), nothing opened', async () => {
    const before = denied.connections;
    const r = await run('curl', ['-sS', '-x', proxyFor(TOKENS.fenced), '-w', '\n%{http_code}', `http://127.0.0.1:${denied.port}/paste`]);
    const [body, status] = r.stdout.split('\n');
    expect(status).toBe('403');
    expect(JSON.parse(body ?? '{}').error).toMatchObject({ code: 'egress_denied', agent: 'fenced' });
    expect(denied.connections).toBe(before);
  });

  test('python3 requests through the proxy door gets the same answer', async () => {
    const script = `import requests,sys\nr=requests.get(sys.argv[1], proxies={'http': sys.argv[2]})\nprint(r.status_code, r.headers.get('x-onecli-error'))`;
    const r = await run('python3', ['-c', script, `http://127.0.0.1:${denied.port}/paste`, proxyFor(TOKENS.fenced)]);
    expect(r.stdout.trim()).toBe('403 egress_denied');
  });

  test('a ws:// upgrade through the proxy door to an unlisted host: 403 egress_denied', async () => {
    const before = denied.connections;
    const target = `127.0.0.1:${denied.port}`;
    const res = await rawRequest(
      gw.port,
      `GET http://${target}/ws HTTP/1.1\r\nHost: ${target}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nProxy-Authorization: ${basicAuth(TOKENS.fenced)}\r\n\r\n`,
    );
    res.socket.destroy();
    expect([res.status, res.headers[GATEWAY_ERROR_HEADER]]).toEqual([403, 'egress_denied']);
    expect(denied.connections).toBe(before);
  });

  test('the base-URL door is no way around it: a route to a host outside the scope is refused, one inside works', async () => {
    const before = mapped.requests.length;
    const refused = await fetch(`http://127.0.0.1:${gw.port}/r/up/echo`, { headers: { 'x-api-key': TOKENS.scoped } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get(GATEWAY_ERROR_HEADER)).toBe('egress_denied');
    expect(mapped.requests.length).toBe(before);
    const allowed = await fetch(`http://127.0.0.1:${gw.port}/r/up/echo`, { headers: { 'x-api-key': TOKENS.fenced } });
    expect(allowed.status).toBe(200);
  });
});

describe('red team: names and SNI', () => {
  test('a listed name that resolves to this machine is refused before any connection (CONNECT and plain HTTP)', async (ctx) => {
    if (!loopbackName) return ctx.skip();
    const before = denied.connections;
    const r = await connect(TOKENS.named, `${loopbackName}:${denied.port}`);
    expect([r.status, r.code]).toEqual([403, 'egress_denied']);
    const plain = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-x', proxyFor(TOKENS.named), `http://${loopbackName}:${denied.port}/`]);
    expect(plain.stdout).toBe('403');
    expect(denied.connections).toBe(before);
  });

  test('a tunnel to an allowed host cannot be fronted to another name by TLS SNI; a listed SNI passes', async () => {
    const secureBefore = blind.connections;
    // A client that does not check the name (as a fronting client would not need to): without the
    // gate, this handshake completes with the allowed host's edge.
    const res = await rawRequest(gw.port, `CONNECT 127.0.0.1:${blind.port} HTTP/1.1\r\nHost: x\r\nProxy-Authorization: ${basicAuth(TOKENS.fenced)}\r\n\r\n`);
    expect(res.status).toBe(200);
    const fronted = tlsConnect({ socket: res.socket, servername: 'paste.example', ca: upstreamCa.certPem, checkServerIdentity: () => undefined });
    await expect(new Promise((resolve, reject) => fronted.once('secureConnect', resolve).once('error', reject).once('close', reject))).rejects.toBeDefined();
    expect(blind.connections).toBe(secureBefore);
    const entry = await waitFor(() => gw.activity.find((e) => e.rule === 'egress allowlist (TLS SNI)'), 5_000, 'the SNI refusal in activity');
    expect(entry).toMatchObject({ agent: 'fenced', decision: 'egress_denied', host: `paste.example:${blind.port}`, status: 403 });
    const ok = await tlsThroughProxy(gw.port, TOKENS.fenced, `127.0.0.1:${blind.port}`, { servername: 'localhost', ca: upstreamCa.certPem });
    const answer = await new Promise<string>((resolve) => {
      ok.once('data', (d: Buffer) => resolve(d.toString('latin1')));
      ok.write(`GET /echo HTTP/1.1\r\nHost: localhost:${blind.port}\r\nConnection: close\r\n\r\n`);
    });
    ok.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('activity and policy changes', () => {
  test('every refusal is an activity entry: agent, host, rule, decision; never a token or value', async () => {
    await connect(TOKENS.fenced, `127.0.0.1:${denied.port}`);
    const entry = await waitFor(
      () => gw.activity.find((e) => e.decision === 'egress_denied' && e.door === 'tunnel' && e.host === `127.0.0.1:${denied.port}`),
      5_000,
      'an egress_denied entry',
    );
    expect(entry).toMatchObject({ agent: 'fenced', rule: 'egress allowlist', status: 403, error: 'egress_denied' });
    const all = JSON.stringify(gw.activity);
    for (const secret of [...Object.values(TOKENS), VALUE]) expect(all).not.toContain(secret);
    expect(gw.lines.join('\n')).not.toContain(VALUE);
  });

  test('an open tunnel is closed when the agent’s egress changes to an allowlist without its host', async () => {
    const socket = await tlsThroughProxy(gw.port, TOKENS.open, `127.0.0.1:${blind.port}`, { servername: 'localhost', ca: upstreamCa.certPem });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    const next = agents().map((a) => (a.name === 'open' ? { ...a, egress: { mode: 'allowlist' as const, hosts: [] } } : a));
    gw.send({ type: 'set-agents', agents: next });
    await closed;
    expect((await connect(TOKENS.open, `127.0.0.1:${blind.port}`)).code).toBe('egress_denied');
    gw.send({ type: 'set-agents', agents: agents() });
    await waitFor(async () => (await connect(TOKENS.open, `127.0.0.1:${blind.port}`)).status === 200, 5_000, 'open egress again');
  });
});
