/**
 * Issue 12 in the gateway: path and method rules (most specific wins, no rule → no credential),
 * agent scopes (403 not_permitted, nothing sent), approval on first use (held, one question for
 * concurrent requests, session/deny/timeout), through the real gateway process and its channel.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import type { ApprovalDecision } from '../../src/shared/approval.js';
import type { GatewayRuntimeConfigInput } from '../../src/shared/gateway-config.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { waitFor } from '../support/wait-for.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

const TOKENS = { all: 'tok-scoped-all-000000000000', ci: 'tok-scoped-ci-0000000000000', asker: 'tok-scoped-asker-0000000000' };
const VALUES: Record<string, string> = {};
let ca: CaPem;
let upstream: TlsUpstream;
let gw: ForkedGateway;
const answers = new Map<string, { decision: ApprovalDecision; delayMs?: number }>();
let host: string;

beforeAll(async () => {
  ca = await makeCa('Local CA');
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
  host = `localhost:${upstream.port}`;
  const ids = { any: host, repos: `${host}/repos`, reposGet: `${host}/repos#GET` };
  VALUES[ids.any] = 'sk-any-path-000000000000';
  VALUES[ids.repos] = 'sk-repos-write-0000000000';
  VALUES[ids.reposGet] = 'sk-repos-read-00000000000';
  const config: GatewayRuntimeConfigInput = {
    listen: { host: '127.0.0.1', port: 0 },
    ca: { certPem: ca.certPem, keyPem: ca.keyPem },
    extraCaPem: upstreamCa.certPem,
    agents: [
      { name: 'all', token: TOKENS.all },
      { name: 'ci', token: TOKENS.ci, allow: [ids.reposGet] },
      { name: 'asker', token: TOKENS.asker, ask: true, approved: [ids.any] },
    ],
    mappings: [
      { id: ids.any, host: 'localhost', port: upstream.port, rule: { type: 'x-api-key' }, route: 'up' },
      { id: ids.repos, host: 'localhost', port: upstream.port, rule: { type: 'x-api-key' }, path: '/repos' },
      { id: ids.reposGet, host: 'localhost', port: upstream.port, rule: { type: 'x-api-key' }, path: '/repos', methods: ['GET', 'HEAD'] },
      { id: 'only-v1', host: '127.0.0.1', port: upstream.port, rule: { type: 'x-api-key' }, path: '/v1' },
    ],
    logLevel: 'debug',
  };
  VALUES['only-v1'] = 'sk-only-v1-000000000000';
  gw = await forkGateway(
    config,
    (id) => ({ ok: true, value: VALUES[id] ?? 'sk-unknown-0000000000' }),
    async (_agent, mappingId) => {
      const a = answers.get(mappingId) ?? { decision: 'timeout' as const };
      if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
      return { decision: a.decision };
    },
  );
});
afterAll(async () => {
  await gw?.stop();
  await upstream?.close();
});

async function request(token: string, method: string, url: string) {
  const dispatcher = new ProxyAgent({ uri: `http://x:${token}@127.0.0.1:${gw.port}`, requestTls: { ca: ca.certPem } });
  try {
    const before = upstream.requests.length;
    const res = await undiciFetch(url, { method, dispatcher, headers: { 'x-api-key': 'sk-phantom-from-agent' } });
    const body = await res.text();
    const seen = upstream.requests.slice(before);
    return { status: res.status, body, code: res.headers.get('x-onecli-error'), seen };
  } finally {
    await dispatcher.close();
  }
}

describe('path and method rules', () => {
  test.each([
    ['GET', '/repos/acme', 'sk-repos-read-00000000000', '/repos/acme'],
    ['POST', '/repos/acme', 'sk-repos-write-0000000000', '/repos/acme'],
    ['GET', '/repos', 'sk-repos-read-00000000000', '/repos'],
    ['GET', '/reposx', 'sk-any-path-000000000000', '/reposx'],
    ['GET', '/user', 'sk-any-path-000000000000', '/user'],
    ['GET', '/repos/../user', 'sk-any-path-000000000000', '/user'],
    ['GET', '/user/%2e%2e/repos/x', 'sk-repos-read-00000000000', '/repos/x'],
  ])('%s %s gets the most specific credential', async (method, path, value, upstreamPath) => {
    const r = await request(TOKENS.all, method, `https://${host}${path}`);
    expect(r.status).toBe(200);
    expect(r.seen).toHaveLength(1);
    expect(r.seen[0]?.headers['x-api-key']).toBe(value);
    expect(r.seen[0]?.path).toBe(upstreamPath);
  });

  test('a mapped host whose rules do not cover the request: forwarded unchanged, with no credential', async () => {
    const r = await request(TOKENS.all, 'GET', `https://127.0.0.1:${upstream.port}/public`);
    expect(r.status).toBe(200);
    expect(r.seen[0]?.headers['x-api-key']).toBe('sk-phantom-from-agent');
    const ruled = await request(TOKENS.all, 'GET', `https://127.0.0.1:${upstream.port}/v1/models`);
    expect(ruled.seen[0]?.headers['x-api-key']).toBe('sk-only-v1-000000000000');
  });

  test('the base-URL door follows the same rules, and never forwards the phantom key', async () => {
    const base = `http://127.0.0.1:${gw.port}/r/up`;
    const get = await fetch(`${base}/repos/x`, { headers: { 'x-api-key': TOKENS.all } });
    expect(get.status).toBe(200);
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe('sk-repos-read-00000000000');
  });
});

describe('agent scopes', () => {
  test('inside its scope: injected', async () => {
    const r = await request(TOKENS.ci, 'GET', `https://${host}/repos/acme`);
    expect(r.seen[0]?.headers['x-api-key']).toBe('sk-repos-read-00000000000');
  });

  test.each([
    ['POST', '/repos/acme', `${'localhost'}:PORT/repos`],
    ['GET', '/user', 'localhost:PORT'],
  ])('%s %s is outside it: 403 not_permitted naming agent and mapping, nothing sent', async (method, path, mapping) => {
    const r = await request(TOKENS.ci, method, `https://${host}${path}`);
    expect(r.status).toBe(403);
    expect(r.code).toBe('not_permitted');
    const body = JSON.parse(r.body) as { error: { mapping: string; message: string } };
    expect(body.error.mapping).toBe(mapping.replace('PORT', String(upstream.port)));
    expect(body.error.message).toContain('"ci"');
    expect(r.seen).toHaveLength(0);
  });
});

describe('approval on first use', () => {
  test('held until the user allows it; concurrent requests share one question; then it stays approved', async () => {
    const id = `${host}/repos`;
    answers.set(id, { decision: 'session', delayMs: 400 });
    const asked = gw.approvals.length;
    const before = upstream.requests.length;
    const pending = Array.from({ length: 5 }, () => request(TOKENS.asker, 'POST', `https://${host}/repos/acme`));
    await waitFor(() => gw.approvals.length > asked, 3_000, 'the approval question');
    expect(upstream.requests.length).toBe(before); // nothing reaches the upstream before approval
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(gw.approvals.slice(asked)).toEqual([`asker ${id}`]);
    answers.set(id, { decision: 'deny' });
    expect((await request(TOKENS.asker, 'POST', `https://${host}/repos/x`)).status).toBe(200); // the session holds
    expect(gw.approvals.length).toBe(asked + 1);
  });

  test('an "always" mapping from the settings is never asked about', async () => {
    const asked = gw.approvals.length;
    expect((await request(TOKENS.asker, 'GET', `https://${host}/user`)).status).toBe(200);
    expect(gw.approvals.length).toBe(asked);
  });

  test.each([
    ['deny', 'denied'],
    ['timeout', 'not_approved'],
  ] as const)('answered %s: 403 %s, nothing sent', async (decision, code) => {
    answers.set(`${host}/repos#GET`, { decision });
    const r = await request(TOKENS.asker, 'GET', `https://${host}/repos/${decision}`);
    expect(r.status).toBe(403);
    expect(r.code).toBe(code);
    expect(r.seen).toHaveLength(0);
  });

  test('activity records each decision, never a value', async () => {
    const expected = ['injected', 'no_rule', 'not_permitted', 'awaiting_approval', 'denied', 'not_approved'];
    // Activity is batched: wait for the batch that carries the last of them.
    const decisions = await waitFor(
      () => {
        const seen = new Set(gw.activity.map((e) => e.decision));
        return expected.every((d) => seen.has(d as never)) && seen;
      },
      3_000,
      'every decision in the activity',
    );
    for (const d of expected) expect(decisions).toContain(d);
    const log = JSON.stringify(gw.activity) + gw.lines.join('\n');
    for (const v of Object.values(VALUES)) expect(log).not.toContain(v);
  });
});
