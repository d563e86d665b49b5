/**
 * Red team of issue 12 (scoped access) through the real gateway process: a hostile agent holding
 * only its proxy token tries to reach a credential outside its scope, to get a held request to the
 * upstream before approval, and to carry an approval past a token reissue or to another mapping;
 * a flood of held requests must not stall other agents.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApprovalDecision } from '../../src/shared/approval.js';
import type { GatewayRuntimeConfigInput } from '../../src/shared/gateway-config.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { frontRequest, parseResponse, startHostileUpstream, upgradeRequest, viaRoute, viaTunnel, type HostileUpstream } from '../support/redteam-wire.js';
import { tlsThroughProxy } from '../support/clients.js';
import { waitFor } from '../support/wait-for.js';

const T = {
  scoped: 'tok-red12-scoped-000000000000',
  asker: 'tok-red12-asker-0000000000000',
  other: 'tok-red12-other-0000000000000',
  asker2: 'tok-red12-asker-reissued-00000',
};
const VALUES: Record<string, string> = {};
let ca: CaPem;
let up: HostileUpstream;
let gw: ForkedGateway;
let host: string;
let ids: { any: string; repos: string; admin: string; ws: string };
/** Approval answers by mapping; `hold` keeps the question open until released. */
const answers = new Map<string, ApprovalDecision | 'hold'>();
const held: (() => void)[] = [];

const agents = (askerToken: string): GatewayRuntimeConfigInput['agents'] => [
  { name: 'scoped', token: T.scoped, allow: [ids.repos] },
  { name: 'asker', token: askerToken, ask: true },
  { name: 'other', token: T.other, ask: true },
];

beforeAll(async () => {
  ca = await makeCa('Local CA');
  const upstreamCa = await makeCa('Upstream CA');
  up = await startHostileUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']), (req) => {
    if (/upgrade/i.test(req.headers.connection ?? '')) {
      req.socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
      );
      return;
    }
    req.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`);
  });
  host = `localhost:${up.port}`;
  ids = { any: host, repos: `${host}/repos`, admin: `${host}/admin`, ws: `${host}/ws` };
  VALUES[ids.any] = 'sk-red12-any-00000000000000';
  VALUES[ids.repos] = 'sk-red12-repos-000000000000';
  VALUES[ids.admin] = 'sk-red12-admin-000000000000';
  VALUES[ids.ws] = 'sk-red12-ws-0000000000000000';
  gw = await forkGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      ca: { certPem: ca.certPem, keyPem: ca.keyPem },
      extraCaPem: upstreamCa.certPem,
      agents: agents(T.asker),
      mappings: [
        { id: ids.any, host: 'localhost', port: up.port, rule: { type: 'x-api-key' }, route: 'any' },
        { id: ids.repos, host: 'localhost', port: up.port, rule: { type: 'x-api-key' }, path: '/repos' },
        { id: ids.admin, host: 'localhost', port: up.port, rule: { type: 'x-api-key' }, path: '/admin' },
        { id: ids.ws, host: 'localhost', port: up.port, rule: { type: 'x-api-key' }, path: '/ws' },
      ],
    },
    (id) => ({ ok: true, value: VALUES[id] ?? 'sk-red12-unknown-00000000000' }),
    (_agent, mappingId) => {
      const a = answers.get(mappingId) ?? 'timeout';
      if (a !== 'hold') return { decision: a };
      return new Promise((resolve) => held.push(() => resolve({ decision: 'session' })));
    },
  );
});
afterAll(async () => {
  for (const release of held.splice(0)) release();
  await gw?.stop();
  await up?.close();
});

const keysSeen = (from: number) => up.seen.slice(from).map((r) => r.key);
const tunnel = (token: string, request: string) => viaTunnel(gw.port, token, host, ca.certPem, request);
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;

describe('a scoped agent reaches no credential outside its scope', () => {
  test.each([
    ['/admin/x', ''],
    ['/repos/../admin/x', ''],
    ['/repos/%2e%2e/admin/x', ''],
    ['/repos/..%2Fadmin/x', ''],
    ['/repos/..%2fadmin/x', ''],
    ['/repos/..;/admin/x', ''],
    ['/repos/..%5Cadmin/x', ''],
    ['/repos\\..\\admin/x', ''],
    ['/repos-admin', ''],
    ['/REPOS/x', ''],
    ['/user', ''],
    // Resolved by the gateway to /repos/admin, and sent so: the upstream reads what was matched.
    ['/repos//../admin', 'repos'],
    ['/repos/x', 'repos'],
  ])('proxy door %s: only the /repos credential, and only under /repos', async (path, expected) => {
    const from = up.seen.length;
    const res = parseResponse(await tunnel(T.scoped, get(path)));
    expect(res.status).toBe(expected ? 200 : 403);
    expect(keysSeen(from)).toEqual(expected ? [VALUES[ids.repos]] : []);
    if (expected) expect(up.seen[from]?.target).toMatch(/^\/repos\/[a-z]+$/);
  });

  test('absolute-form inside the tunnel naming the same host does not widen it', async () => {
    const from = up.seen.length;
    const res = parseResponse(await tunnel(T.scoped, get(`https://${host}/admin/x`)));
    expect(res.status).toBe(403);
    expect(keysSeen(from)).toEqual([]);
  });

  test('HEAD and OPTIONS on an out-of-scope path: refused, nothing sent', async () => {
    for (const method of ['HEAD', 'OPTIONS']) {
      const from = up.seen.length;
      const res = parseResponse(await tunnel(T.scoped, `${method} /admin HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), { head: method === 'HEAD' });
      expect(res.status).toBe(403);
      expect(up.seen.length).toBe(from);
    }
  });

  test('the base-URL route of an out-of-scope mapping: 403 not_permitted, nothing sent', async () => {
    for (const path of ['/user', '/admin/x', '/repos/..%2Fadmin']) {
      const from = up.seen.length;
      const res = parseResponse(await viaRoute(gw.port, 'any', T.scoped, path));
      expect(res.status).toBe(403);
      expect(up.seen.length).toBe(from);
    }
  });

  test('a WebSocket upgrade to an out-of-scope mapping: refused, nothing sent', async () => {
    const from = up.seen.length;
    const res = parseResponse(await tunnel(T.scoped, upgradeRequest('/ws/chat', host)));
    expect(res.status).toBe(403);
    expect(up.seen.length).toBe(from);
  });
});

describe('a held request reaches nothing before approval', () => {
  test('its body streams, a pipelined second request rides the tunnel: the upstream sees neither credential until allowed', async () => {
    answers.set(ids.admin, 'hold');
    const asked = gw.approvals.length;
    const from = up.seen.length;
    const socket = await tlsThroughProxy(gw.port, T.asker, host, { ca: ca.certPem });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.write(`POST /admin/x HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 10\r\n\r\nhello`);
    await waitFor(() => gw.approvals.length > asked, 5_000, 'the approval question');
    socket.write(`world${get('/admin/y')}`);
    // Let the gateway read all of it: still nothing upstream, and only one question.
    await waitFor(() => gw.activity.some((e) => e.decision === 'awaiting_approval' && e.agent === 'asker'), 5_000, 'the awaiting line');
    expect(up.seen.length).toBe(from);
    expect(gw.approvals.slice(asked)).toEqual([`asker ${ids.admin}`]);
    held.shift()!();
    await waitFor(() => up.seen.length >= from + 2, 5_000, 'both requests, once allowed');
    expect(keysSeen(from)).toEqual([VALUES[ids.admin], VALUES[ids.admin]]);
    socket.destroy();
  });

  test("an agent's session approval covers neither another agent nor another mapping of the host", async () => {
    // asker holds a session for /admin (above).
    answers.set(ids.repos, 'deny');
    const from = up.seen.length;
    expect(parseResponse(await tunnel(T.asker, get('/admin/z'))).status).toBe(200);
    expect(parseResponse(await tunnel(T.asker, get('/repos/z'))).status).toBe(403);
    answers.set(ids.admin, 'deny');
    expect(parseResponse(await tunnel(T.other, get('/admin/z'))).status).toBe(403);
    // Deny of /repos does not touch /admin.
    expect(parseResponse(await tunnel(T.asker, get('/admin/w'))).status).toBe(200);
    expect(keysSeen(from)).toEqual([VALUES[ids.admin], VALUES[ids.admin]]);
  });

  test('a reissued token starts without the old session', async () => {
    answers.set(ids.admin, 'deny');
    gw.send({ type: 'set-agents', agents: agents(T.asker2) });
    await waitFor(async () => parseResponse(await tunnel(T.asker, get('/admin/q'))).status === 407 || undefined, 5_000, 'the old token refused').catch(
      () => undefined,
    );
    const from = up.seen.length;
    const asked = gw.approvals.length;
    const res = parseResponse(await tunnel(T.asker2, get('/admin/q')));
    expect(res.status).toBe(403);
    expect(gw.approvals.length).toBe(asked + 1);
    expect(up.seen.length).toBe(from);
  });
});

describe('nothing an agent reaches answers approvals', () => {
  test.each(['/approvals', '/api/approvals', '/control/approvals.decide', '/r/any/approvals'])(
    'front port %s with the agent token decides nothing',
    async (path) => {
      const asked = gw.approvals.length;
      const res = parseResponse(
        await frontRequest(
          gw.port,
          `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nx-api-key: ${T.asker2}\r\nContent-Type: application/json\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{"id":"abcdefghij","answer":"always"}   `,
        ),
      );
      expect(res.body.toString()).not.toMatch(/"decision"|"approved"/);
      expect(gw.approvals.length).toBeLessThanOrEqual(asked + 1);
    },
  );
});

describe('flood', () => {
  test('200 held requests of one agent: one question, and another agent is served meanwhile', async () => {
    answers.set(ids.repos, 'hold');
    const asked = gw.approvals.length;
    const flood = Array.from({ length: 200 }, () => tunnel(T.other, get('/repos/flood')).catch(() => Buffer.alloc(0)));
    await waitFor(() => gw.approvals.length > asked, 10_000, 'the question');
    const t0 = Date.now();
    const from = up.seen.length;
    const res = parseResponse(await tunnel(T.scoped, get('/repos/served')));
    expect(res.status).toBe(200);
    expect(up.seen[from]?.key).toBe(VALUES[ids.repos]);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(gw.approvals.slice(asked)).toEqual([`other ${ids.repos}`]);
    held.shift()!();
    const done = await Promise.all(flood);
    expect(done.filter((b) => parseResponse(b).status === 200).length).toBeGreaterThan(190);
  }, 60_000);
});
