/**
 * Red team, issue 14 (policy in the gateway): a hostile agent against the egress allowlist, the
 * block rules and the rate limits, through every door of a real gateway process driven over IPC.
 * Each test fails if the defence it names is missing. Findings fixed here: a ClientHello the
 * peek cannot read (over 32 KiB, or malformed) passed the SNI check of a blind tunnel
 * (src/gateway/doors/connect.ts); block rules missed `%3F`/`%23`/`%00` cuts, `.json` suffixes,
 * HEAD for GET and a form body's `_method` (src/gateway/block-rules.ts).
 */
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GatewayRuntimeConfigInput } from '../../src/shared/gateway-config.js';
import { basicAuth, rawRequest, tlsThroughProxy } from '../support/clients.js';
import { startConnectionRecorder, type ConnectionRecorder } from '../support/connection-recorder.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { frontRequest, parseResponse, proxyAuth, readAll, upgradeRequest } from '../support/redteam-wire.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';
import { waitFor } from '../support/wait-for.js';

const TOKENS = {
  fenced: 'tok-red-policy-fenced-00000000',
  open: 'tok-red-policy-open-0000000000',
  burst: 'tok-red-policy-burst-000000000',
  bystander: 'tok-red-policy-bystander-0000',
  piped: 'tok-red-policy-piped-000000000',
  quota: 'tok-red-policy-quota-000000000',
  tunnels: 'tok-red-policy-tunnels-0000000',
  doors: 'tok-red-policy-doors-000000000',
};
const VALUE = 'sk-red-policy-value-0000000000';
let ca: CaPem;
let mapped: TlsUpstream;
/** A host the fenced agent may reach blindly: it records every byte, so a fronted hello that got through shows. */
let allowed: ConnectionRecorder;
/** A host nobody fenced may reach. */
let denied: ConnectionRecorder;
let gw: ForkedGateway;
let mappedId: string;

beforeAll(async () => {
  ca = await makeCa('Red-team policy CA');
  const upstreamCa = await makeCa('Red-team policy upstream CA');
  mapped = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
  [allowed, denied] = await Promise.all([startConnectionRecorder(), startConnectionRecorder()]);
  mappedId = `localhost:${mapped.port}`;
  const fencedHosts = [`127.0.0.1:${allowed.port}`];
  const agents: GatewayRuntimeConfigInput['agents'] = [
    { name: 'fenced', token: TOKENS.fenced, egress: { mode: 'allowlist', hosts: fencedHosts } },
    { name: 'open', token: TOKENS.open },
    { name: 'burst', token: TOKENS.burst, limits: [{ max: 3, per: 'day' }] },
    { name: 'bystander', token: TOKENS.bystander, limits: [{ max: 3, per: 'day' }] },
    { name: 'piped', token: TOKENS.piped, limits: [{ mapping: mappedId, max: 2, per: 'day' }] },
    { name: 'quota', token: TOKENS.quota, egress: { mode: 'allowlist', hosts: [] }, limits: [{ max: 2, per: 'day' }] },
    { name: 'tunnels', token: TOKENS.tunnels, limits: [{ max: 2, per: 'day' }] },
    { name: 'doors', token: TOKENS.doors, limits: [{ mapping: mappedId, max: 3, per: 'day' }] },
  ];
  gw = await forkGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      ca: { certPem: ca.certPem, keyPem: ca.keyPem },
      extraCaPem: upstreamCa.certPem,
      agents,
      mappings: [
        {
          id: mappedId,
          host: 'localhost',
          port: mapped.port,
          rule: { type: 'x-api-key' },
          route: 'up',
          blocks: [
            { methods: ['POST'], path: '/v1/files' },
            { methods: ['GET'], path: '/admin' },
            { methods: ['DELETE'], path: '/repos' },
          ],
        },
      ],
      logLevel: 'warn',
    },
    () => ({ ok: true, value: VALUE }),
  );
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([mapped?.close(), allowed?.close(), denied?.close()]);
});

const healthy = async () => parseResponse(await frontRequest(gw.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status === 200;

/** A minimal TLS 1.3 ClientHello naming `serverName`, padded by `padding` bytes, cut into records of at most `recordSize`. */
function clientHello(serverName: string, { padding = 0, recordSize = 16_384, sniOverrun = false, noSni = false } = {}): Buffer {
  const name = Buffer.from(serverName, 'latin1');
  const sniList = Buffer.concat([Buffer.from([0]), u16(name.length + (sniOverrun ? 9 : 0)), name]);
  const sni = Buffer.concat([u16(0x0000), u16(sniList.length + 2), u16(sniList.length), sniList]);
  const versions = Buffer.concat([u16(0x002b), u16(3), Buffer.from([2, 0x03, 0x04])]);
  const pad = padding > 0 ? Buffer.concat([u16(0x0015), u16(padding), Buffer.alloc(padding)]) : Buffer.alloc(0);
  const extensions = Buffer.concat([noSni ? Buffer.alloc(0) : sni, versions, pad]);
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    u16(2),
    Buffer.from([0x13, 0x01]),
    Buffer.from([1, 0]),
    u16(extensions.length),
    extensions,
  ]);
  const handshake = Buffer.concat([Buffer.from([0x01, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  const records: Buffer[] = [];
  for (let at = 0; at < handshake.length; at += recordSize) {
    const fragment = handshake.subarray(at, at + recordSize);
    records.push(Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(fragment.length), fragment]));
  }
  return Buffer.concat(records);
}
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

/** CONNECT as `token`, then `bytes` into the tunnel (in `pieces` writes): resolves when the gateway closes the tunnel. */
async function blindTunnel(
  token: string,
  authority: string,
  bytes: Buffer,
  pieces = 1,
): Promise<{ status: number; closed: Promise<void>; socket: net.Socket }> {
  const res = await rawRequest(gw.port, `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: ${basicAuth(token)}\r\n\r\n`);
  const closed = new Promise<void>((r) => res.socket.once('close', () => r()));
  res.socket.on('error', () => undefined);
  res.socket.resume();
  if (res.status !== 200) {
    res.socket.destroy();
    return { status: res.status, closed, socket: res.socket };
  }
  const size = Math.ceil(bytes.length / pieces);
  for (let at = 0; at < bytes.length; at += size) {
    if (res.socket.destroyed) break;
    res.socket.write(bytes.subarray(at, at + size));
    if (pieces > 1) await new Promise<void>((r) => setImmediate(r));
  }
  return { status: res.status, closed, socket: res.socket };
}

/** The tunnel closed by the gateway, or bytes arrived at the allowed host: whichever comes first. */
async function closedOrPassed(t: { closed: Promise<void> }, before: number): Promise<void> {
  await Promise.race([t.closed, waitFor(() => allowed.bytes > before, 5_000, 'bytes reaching the allowed host')]).catch(() => undefined);
}

/** One raw request (or several, pipelined) inside a terminated tunnel to the mapped host; every byte back. */
async function inTunnel(token: string, request: string | Buffer, timeoutMs = 5_000): Promise<Buffer> {
  const socket = await tlsThroughProxy(gw.port, token, mappedId, { ca: ca.certPem });
  const out = readAll(socket, timeoutMs);
  socket.write(request);
  return out;
}
const codeOf = (bytes: Buffer) => /\r\nx-onecli-error: ([a-z_]+)/i.exec(bytes.toString('latin1'))?.[1];
const statusOf = (bytes: Buffer) => parseResponse(bytes).status;

describe('egress: SNI of a blind tunnel to an allowed host', () => {
  test('a ClientHello over 32 KiB (servers accept up to 128 KiB) naming a denied host is refused, not passed as unreadable', async () => {
    const before = allowed.bytes;
    const hello = clientHello('paste.example', { padding: 40_000 });
    const t = await blindTunnel(TOKENS.fenced, `127.0.0.1:${allowed.port}`, hello);
    expect(t.status).toBe(200);
    await closedOrPassed(t, before);
    expect(allowed.bytes - before, 'the fronted ClientHello reached the upstream').toBe(0);
    await waitFor(() => gw.activity.find((e) => e.agent === 'fenced' && e.rule === 'egress allowlist (TLS SNI)'), 5_000, 'the refusal in activity');
  });

  test('a ClientHello whose server_name our parser cannot read (a name length past its extension) is refused', async () => {
    const before = allowed.bytes;
    const t = await blindTunnel(TOKENS.fenced, `127.0.0.1:${allowed.port}`, clientHello('paste.example', { sniOverrun: true }));
    await closedOrPassed(t, before);
    expect(allowed.bytes - before).toBe(0);
  });

  test('a ClientHello cut into one-byte writes and 64-byte records still has its SNI read: refused', async () => {
    const before = allowed.bytes;
    const t = await blindTunnel(TOKENS.fenced, `127.0.0.1:${allowed.port}`, clientHello('paste.example', { recordSize: 64 }), 400);
    await closedOrPassed(t, before);
    expect(allowed.bytes - before).toBe(0);
  });

  test('held: not TLS at all (SSH to an allowed host) and a hello with no SNI still pass', async () => {
    const before = allowed.bytes;
    await blindTunnel(TOKENS.fenced, `127.0.0.1:${allowed.port}`, Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'));
    await waitFor(() => allowed.bytes > before, 5_000, 'the SSH banner at the allowed host');
    const mid = allowed.bytes;
    await blindTunnel(TOKENS.fenced, `127.0.0.1:${allowed.port}`, clientHello('', { noSni: true }));
    await waitFor(() => allowed.bytes > mid, 5_000, 'the SNI-less hello at the allowed host');
  });

  test('hostile hellos do not take the gateway down: huge SNI length, a lone 0x16, a record of length 0, 1 MiB of 0x16', async () => {
    const garbage = [
      Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3f, 0xfc]), Buffer.alloc(0x3ffc, 0xff)]),
      Buffer.from([0x16]),
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00]),
      Buffer.alloc(1 << 20, 0x16),
      clientHello('a'.repeat(65_000)),
    ];
    for (const bytes of garbage) {
      const before = allowed.bytes;
      const t = await blindTunnel(TOKENS.fenced, `127.0.0.1:${allowed.port}`, bytes);
      if (bytes.length > 1) await closedOrPassed(t, before);
      t.socket.destroy();
    }
    expect(await healthy()).toBe(true);
    expect(gw.child.exitCode).toBeNull();
  });
});

describe('egress: other ways to a denied host', () => {
  test('userinfo naming an allowed host in an absolute-form target: the host after the @ decides, nothing opened', async () => {
    const before = denied.connections;
    const target = `http://127.0.0.1:${allowed.port}@127.0.0.1:${denied.port}/x`;
    const bytes = await frontRequest(
      gw.port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${allowed.port}\r\n${proxyAuth(TOKENS.fenced)}Connection: close\r\n\r\n`,
    );
    expect([statusOf(bytes), codeOf(bytes)]).toEqual([403, 'egress_denied']);
    expect(denied.connections).toBe(before);
  });

  test('a request smuggled after a refused CONNECT (same packet) is never acted on', async () => {
    const before = denied.connections;
    const smuggled = `GET http://127.0.0.1:${denied.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${denied.port}\r\n${proxyAuth(TOKENS.open)}\r\n`;
    const bytes = await frontRequest(
      gw.port,
      `CONNECT 127.0.0.1:${denied.port} HTTP/1.1\r\nHost: 127.0.0.1:${denied.port}\r\n${proxyAuth(TOKENS.fenced)}\r\n${smuggled}`,
    );
    expect(codeOf(bytes)).toBe('egress_denied');
    expect(bytes.toString('latin1').match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(denied.connections).toBe(before);
  });

  test.each([
    ['an IPv6 zone id', (p: number) => `[::ffff:127.0.0.1%25lo]:${p}`],
    ['a zone id on ::1', (p: number) => `[::1%25lo]:${p}`],
    ['a trailing dot on an IP', (p: number) => `127.0.0.1.:${p}`],
    ['a port with leading zeros', (p: number) => `127.0.0.1:0${p}`],
    ['octal IPv4', (p: number) => `0177.0.0.1:${p}`],
  ])('CONNECT through %s reaches no denied host', async (_, target) => {
    const before = denied.connections;
    const t = await blindTunnel(TOKENS.fenced, target(denied.port), Buffer.alloc(0));
    expect(t.status).not.toBe(200);
    expect(denied.connections).toBe(before);
  });

  test('HTTP/1.0 without Host, origin-form, through the proxy door: answered by the gateway, nothing dialled', async () => {
    const before = denied.connections + allowed.connections;
    const bytes = await frontRequest(gw.port, `GET /x HTTP/1.0\r\n${proxyAuth(TOKENS.fenced)}\r\n`);
    expect(statusOf(bytes)).toBeGreaterThanOrEqual(400);
    expect(denied.connections + allowed.connections).toBe(before);
  });

  test('a WebSocket upgrade to a denied host inside an allowed tunnel (Host, then absolute-form): egress_denied, nothing sent', async () => {
    const before = { denied: denied.connections, upgrades: mapped.upgrades.length };
    const viaHost = await inTunnel(TOKENS.fenced, upgradeRequest('/ws', `127.0.0.1:${denied.port}`));
    expect(codeOf(viaHost)).toBe('egress_denied');
    const viaTarget = await inTunnel(TOKENS.fenced, upgradeRequest(`https://127.0.0.1:${denied.port}/ws`, mappedId));
    expect(codeOf(viaTarget)).toBe('egress_denied');
    const wss = await inTunnel(TOKENS.fenced, upgradeRequest(`wss://127.0.0.1:${denied.port}/ws`, mappedId));
    expect(statusOf(wss)).toBeGreaterThanOrEqual(400);
    expect(denied.connections).toBe(before.denied);
    expect(mapped.upgrades.length).toBe(before.upgrades);
  });

  test('absolute-form with userinfo inside a tunnel (https://mapped@denied/) names the denied host: refused', async () => {
    const before = mapped.requests.length;
    const bytes = await inTunnel(TOKENS.fenced, `GET https://${mappedId}@127.0.0.1:${denied.port}/ HTTP/1.1\r\nHost: ${mappedId}\r\n\r\n`);
    expect(statusOf(bytes)).toBeGreaterThanOrEqual(400);
    expect(mapped.requests.length).toBe(before);
    expect(denied.connections).toBe(0);
  });
});

describe('block rules on the resolved path', () => {
  const post = (target: string, extra = '') => `POST ${target} HTTP/1.1\r\nHost: ${mappedId}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`;

  test.each([
    ['an encoded ? after the prefix', '/v1/files%3F'],
    ['an encoded ? with more after it', '/v1/files%3Fx=1'],
    ['a double-encoded ?', '/v1/files%253Fx'],
    ['an encoded #', '/v1/files%23frag'],
    ['an encoded NUL', '/v1/files%00.txt'],
    ['a format suffix (Rails, Spring suffix match)', '/v1/files.json'],
  ])('POST /v1/files dodged by %s: blocked, nothing sent', async (_, target) => {
    const before = mapped.requests.length;
    const bytes = await inTunnel(TOKENS.open, post(target));
    expect([statusOf(bytes), codeOf(bytes)]).toEqual([403, 'blocked_by_policy']);
    expect(mapped.requests.length).toBe(before);
  });

  test('HEAD runs the GET handler in most frameworks: a GET block blocks HEAD', async () => {
    const before = mapped.requests.length;
    const bytes = await inTunnel(TOKENS.open, `HEAD /admin HTTP/1.1\r\nHost: ${mappedId}\r\nConnection: close\r\n\r\n`);
    expect(codeOf(bytes)).toBe('blocked_by_policy');
    expect(mapped.requests.length).toBe(before);
  });

  test('a form POST can carry _method=DELETE in its body (Rack, Laravel): a DELETE block blocks it', async () => {
    const before = mapped.requests.length;
    const body = '_method=DELETE';
    const req = `POST /repos/o/r HTTP/1.1\r\nHost: ${mappedId}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    expect(codeOf(await inTunnel(TOKENS.open, req))).toBe('blocked_by_policy');
    expect(mapped.requests.length).toBe(before);
  });

  test.each([
    ['dot segments, encoded', '/v1/%2e%2e/v1/files'],
    ['an encoded slash and ..', '/x/..%2Fv1/files'],
    ['case and a trailing slash', '/V1//FILES/'],
    ['a matrix parameter', '/v1;a=b/files'],
    ['absolute-form naming the tunnel host', `https://${'localhost'}:PORT/v1/files`],
  ])('held: %s', async (_, raw) => {
    const before = mapped.requests.length;
    const bytes = await inTunnel(TOKENS.open, post(raw.replace('PORT', String(mapped.port))));
    expect(codeOf(bytes)).toBe('blocked_by_policy');
    expect(mapped.requests.length).toBe(before);
  });

  test('held: a lower-case override header, and the base-URL door with %66', async () => {
    const before = mapped.requests.length;
    expect(codeOf(await inTunnel(TOKENS.open, post('/repos/x', 'X-HTTP-Method-Override:  delete \r\n')))).toBe('blocked_by_policy');
    const route = await frontRequest(
      gw.port,
      `POST /r/up/v1/%66iles HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nx-api-key: ${TOKENS.open}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(codeOf(route)).toBe('blocked_by_policy');
    expect(mapped.requests.length).toBe(before);
  });

  test('not over-blocked: GET /v1/files and POST /v1/filesystem go through', async () => {
    expect(statusOf(await inTunnel(TOKENS.open, `GET /v1/files HTTP/1.1\r\nHost: ${mappedId}\r\nConnection: close\r\n\r\n`))).toBe(200);
    expect(statusOf(await inTunnel(TOKENS.open, post('/v1/filesystem')))).toBe(200);
  });
});

describe('rate limits', () => {
  const get = (path = '/echo') => `GET ${path} HTTP/1.1\r\nHost: ${mappedId}\r\nConnection: close\r\n\r\n`;

  test('a parallel burst over many tunnels and doors gets exactly the limit through', async () => {
    const before = mapped.requests.length;
    const route = () =>
      frontRequest(gw.port, `GET /r/up/echo HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nx-api-key: ${TOKENS.burst}\r\nConnection: close\r\n\r\n`);
    const answers = await Promise.all([...Array.from({ length: 6 }, () => inTunnel(TOKENS.burst, get())), ...Array.from({ length: 6 }, route)]);
    const statuses = answers.map(statusOf);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    expect(mapped.requests.length - before).toBe(3);
    const refused = answers.find((a) => statusOf(a) === 429)!;
    expect(Number(parseResponse(refused).headers.find(([k]) => k === 'retry-after')?.[1])).toBeGreaterThan(0);
  });

  test('one agent using up its limit leaves another agent with the same limit untouched', async () => {
    // burst is used up by the test above (or now).
    for (let i = 0; i < 3; i++) await inTunnel(TOKENS.burst, get());
    expect(statusOf(await inTunnel(TOKENS.burst, get()))).toBe(429);
    const bystander = await Promise.all(Array.from({ length: 3 }, () => inTunnel(TOKENS.bystander, get())));
    expect(bystander.map(statusOf)).toEqual([200, 200, 200]);
  });

  test('pipelined requests in one tunnel are each counted', async () => {
    const before = mapped.requests.length;
    const one = `GET /echo HTTP/1.1\r\nHost: ${mappedId}\r\n\r\n`;
    const bytes = await inTunnel(TOKENS.piped, one.repeat(5) + get(), 5_000);
    const text = bytes.toString('latin1');
    expect(text.match(/HTTP\/1\.1 200/g) ?? []).toHaveLength(2);
    expect(text).toMatch(/HTTP\/1\.1 429/);
    expect(mapped.requests.length - before).toBe(2);
  });

  test('requests refused by egress or a block rule use up nothing', async () => {
    for (let i = 0; i < 4; i++) {
      const t = await blindTunnel(TOKENS.quota, `127.0.0.1:${denied.port}`, Buffer.alloc(0));
      expect(t.status).toBe(403);
    }
    for (let i = 0; i < 4; i++) {
      const r = await frontRequest(gw.port, `GET http://127.0.0.1:${denied.port}/ HTTP/1.1\r\nHost: x\r\n${proxyAuth(TOKENS.quota)}Connection: close\r\n\r\n`);
      expect(codeOf(r)).toBe('egress_denied');
    }
    // quota's allowlist is empty but every mapping is in its scope: the mapped host is reachable.
    for (let i = 0; i < 4; i++)
      expect(codeOf(await inTunnel(TOKENS.quota, `POST /v1/files HTTP/1.1\r\nHost: ${mappedId}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`))).toBe(
        'blocked_by_policy',
      );
    expect(statusOf(await inTunnel(TOKENS.quota, get()))).toBe(200);
    expect(statusOf(await inTunnel(TOKENS.quota, get()))).toBe(200);
    expect(statusOf(await inTunnel(TOKENS.quota, get()))).toBe(429);
  });

  test('each blind tunnel counts: many tunnels do not multiply the limit', async () => {
    const before = allowed.connections;
    const first = await blindTunnel(TOKENS.tunnels, `127.0.0.1:${allowed.port}`, Buffer.alloc(0));
    const second = await blindTunnel(TOKENS.tunnels, `127.0.0.1:${allowed.port}`, Buffer.alloc(0));
    const third = await blindTunnel(TOKENS.tunnels, `127.0.0.1:${allowed.port}`, Buffer.alloc(0));
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    await waitFor(() => allowed.connections >= before + 2, 5_000, 'two tunnels at the allowed host');
    expect(allowed.connections - before).toBe(2);
  });

  test('a per-mapping limit holds across the base-URL door, the proxy door and an absolute-form target', async () => {
    const before = mapped.requests.length;
    const route = await frontRequest(
      gw.port,
      `GET /r/up/echo HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nx-api-key: ${TOKENS.doors}\r\nConnection: close\r\n\r\n`,
    );
    const tunnel = await inTunnel(TOKENS.doors, get());
    const absolute = await inTunnel(TOKENS.doors, `GET https://${mappedId}/echo HTTP/1.1\r\nHost: ${mappedId}\r\nConnection: close\r\n\r\n`);
    const over = await inTunnel(TOKENS.doors, get());
    const overRoute = await frontRequest(
      gw.port,
      `GET /r/up/echo HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nx-api-key: ${TOKENS.doors}\r\nConnection: close\r\n\r\n`,
    );
    expect([route, tunnel, absolute, over, overRoute].map(statusOf)).toEqual([200, 200, 200, 429, 429]);
    expect(mapped.requests.length - before).toBe(3);
  });
});
