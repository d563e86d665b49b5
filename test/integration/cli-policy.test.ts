/**
 * Issue 14 through the CLI and a real `serve`, with curl as the agent: an egress allowlist
 * (CONNECT and plain HTTP refused with egress_denied, nothing opened), hosts and presets added and
 * removed, rate limits (429 with Retry-After, counters that survive a gateway restart), block
 * rules (403 blocked_by_policy), the recent refusals in status with their one-click fix, and the
 * errors that say what to do.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../support/clients.js';
import { cliSession, startServe, type ServeProcess } from '../support/cli.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

const MAPPED_HOST = '127.0.0.2';
const OTHER_HOST = '127.0.0.3';
const VALUE = 'sk-policy-cli-0123456789abcdef';
let mapped: TlsUpstream;
let other: TlsUpstream;
let serve: ServeProcess;
let env: NodeJS.ProcessEnv;
let dataDir: string;
let mappedAt: string;
let otherAt: string;
const { outputs, onecli, ok, agentVars } = cliSession(() => env);

interface CurlResult {
  /** The tunnel's answer (CONNECT), 0 when no tunnel was asked for. */
  readonly connect: number;
  readonly status: number;
  readonly out: string;
}
/**
 * The unmapped host is reached through a blind tunnel, so curl meets its own certificate (from
 * a CA only the gateway trusts): `-k` there, as the tunnel, not the certificate, is under test.
 */
async function curl(agent: string, url: string, method = 'GET'): Promise<CurlResult> {
  const vars = await agentVars(agent);
  const blind = url.includes(OTHER_HOST) ? ['-k'] : [];
  const r = await run('curl', [...blind, '-sS', '-X', method, '-D', '-', '-w', '\n%{http_connect} %{http_code}', url], {
    env: { PATH: process.env.PATH, ...vars },
    timeoutMs: 30_000,
  });
  const [connect, status] = r.stdout.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { connect: connect ?? 0, status: status ?? 0, out: r.stdout };
}
const errorOf = (r: CurlResult) => JSON.parse(r.out.slice(r.out.indexOf('{'), r.out.lastIndexOf('}') + 1)) as { error: Record<string, unknown> };
const agentJson = async (name: string) =>
  (JSON.parse(await ok(['agents', 'list', '--json'])) as { name: string; egress: unknown; limits: unknown }[]).find((a) => a.name === name);

beforeAll(async () => {
  const upstreamCa = await makeCa('Upstream CA');
  mapped = await startTlsUpstream(await makeServerCert(upstreamCa, [MAPPED_HOST]), MAPPED_HOST);
  other = await startTlsUpstream(await makeServerCert(upstreamCa, [OTHER_HOST]), OTHER_HOST);
  mappedAt = `${MAPPED_HOST}:${mapped.port}`;
  otherAt = `${OTHER_HOST}:${other.port}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-cli-policy-'));
  dataDir = path.join(dir, 'data');
  writeFileSync(path.join(dir, 'upstream-ca.pem'), upstreamCa.certPem);
  env = { PATH: process.env.PATH, HOME: dir, ONECLI_DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: path.join(dir, 'upstream-ca.pem') };
  serve = await startServe(['--port', '0', '--control-port', '0'], env);
  await ok(['secrets', 'set', 'key', '-'], VALUE);
  await ok(['mappings', 'add', mappedAt, 'local://key']);
  await ok(['agents', 'create', 'locked', '--egress', 'allowlist']);
  await ok(['agents', 'create', 'roamer']);
}, 30_000);
afterAll(async () => {
  await serve?.stop();
  await mapped?.close();
  await other?.close();
});

describe('egress through the CLI (issue 14)', () => {
  test('an allowlist agent reaches its mappings; any other host gets 403 egress_denied and nothing is opened to it', async () => {
    expect((await curl('locked', `https://${mappedAt}/echo`)).status).toBe(200);
    expect(mapped.requests.at(-1)?.headers.authorization).toBe(`Bearer ${VALUE}`);
    const tunnel = await curl('locked', `https://${otherAt}/echo`);
    expect(tunnel.connect).toBe(403);
    expect(tunnel.out.toLowerCase()).toContain('x-onecli-error: egress_denied');
    const plain = await curl('locked', `http://${otherAt}/echo`);
    expect(plain.status).toBe(403);
    expect(errorOf(plain).error).toMatchObject({ code: 'egress_denied', agent: 'locked', host: otherAt });
    expect(other.requests).toEqual([]);
    // Another agent (open, the default) is not affected.
    expect((await curl('roamer', `https://${otherAt}/echo`)).status).toBe(200);
  });

  test('status lists the refusal with its fix, and the fix is the command that allows it', async () => {
    const status = JSON.parse(await ok(['status', '--json'])) as { policyDenials: unknown[] };
    expect(status.policyDenials).toContainEqual(
      expect.objectContaining({ agent: 'locked', host: otherAt, decision: 'egress_denied', fix: { kind: 'allow-egress', agent: 'locked', host: otherAt } }),
    );
    expect(await ok(['agents', 'egress', 'locked', 'allow', otherAt])).toBe(`locked: egress allowlist: its mappings and ${otherAt}\n`);
    expect((await curl('locked', `https://${otherAt}/echo`)).status).toBe(200);
    expect(await ok(['agents', 'egress', 'locked', 'remove', otherAt])).toBe('locked: egress allowlist: its mappings and no other host\n');
    expect((await curl('locked', `https://${otherAt}/echo`)).connect).toBe(403);
  });

  test('presets add their hosts in one step; open lets everything through again and keeps the list', async () => {
    await ok(['agents', 'egress', 'locked', 'allow', '--preset', 'registries,github']);
    const agent = (await agentJson('locked')) as { egress: { mode: string; hosts: string[] } };
    expect(agent.egress.mode).toBe('allowlist');
    expect(agent.egress.hosts).toEqual(expect.arrayContaining(['registry.npmjs.org', 'pypi.org', 'github.com', '*.githubusercontent.com']));
    expect(await ok(['agents', 'egress', 'locked', 'open'])).toMatch(/^locked: egress open \(any host; \d+ listed host\(s\) apply once it is an allowlist\)/);
    expect((await curl('locked', `https://${otherAt}/echo`)).status).toBe(200);
    await ok(['agents', 'egress', 'locked', 'allowlist']);
    expect((await curl('locked', `https://${otherAt}/echo`)).connect).toBe(403);
  });
});

describe('rate limits and block rules through the CLI (issue 14)', () => {
  test('N/hour: past it 429 with Retry-After and rate_limited_by_policy, nothing sent; the count survives a gateway restart', async () => {
    await ok(['agents', 'create', 'budget']);
    // Windows are aligned to the epoch: a per-minute limit would start afresh whenever the minute
    // turned between the third request and the one after the restart (seconds apart under load).
    expect(await ok(['agents', 'limit', 'budget', '2/hour'])).toBe('budget: at most 2/hour\n');
    expect((await curl('budget', `https://${mappedAt}/echo`)).status).toBe(200);
    expect((await curl('budget', `https://${mappedAt}/echo`)).status).toBe(200);
    const before = mapped.requests.length;
    const third = await curl('budget', `https://${mappedAt}/echo`);
    expect(third.status).toBe(429);
    expect(third.out.toLowerCase()).toMatch(/retry-after: \d+/);
    expect(errorOf(third).error).toMatchObject({ code: 'rate_limited_by_policy', agent: 'budget' });
    expect(mapped.requests.length).toBe(before);
    await ok(['gateway', 'restart']);
    expect((await curl('budget', `https://${mappedAt}/echo`)).status).toBe(429);
    // A limit on one mapping only, then off.
    expect(await ok(['agents', 'limit', 'budget', mappedAt, '100/hour'])).toBe(`budget: at most 2/hour, 100/hour on ${mappedAt}\n`);
    expect(await ok(['agents', 'limit', 'budget', 'off'])).toBe(`budget: at most 100/hour on ${mappedAt}\n`);
    expect((await curl('budget', `https://${mappedAt}/echo`)).status).toBe(200);
  });

  test('mappings block: DELETE (or POST under a path) is refused with 403 blocked_by_policy for every agent; unblock lifts it', async () => {
    expect(await ok(['mappings', 'block', mappedAt, '--method', 'delete'])).toBe(`${mappedAt}: never used for DELETE /\n`);
    await ok(['mappings', 'block', mappedAt, '--method', 'POST', '--path', '/v1/files']);
    expect(await ok(['mappings', 'list'])).toContain('never: DELETE /; POST /v1/files');
    const before = mapped.requests.length;
    const del = await curl('roamer', `https://${mappedAt}/repos/x`, 'DELETE');
    expect(del.status).toBe(403);
    expect(errorOf(del).error).toMatchObject({ code: 'blocked_by_policy' });
    expect((await curl('roamer', `https://${mappedAt}/v1/files/abc`, 'POST')).status).toBe(403);
    expect(mapped.requests.length).toBe(before);
    expect((await curl('roamer', `https://${mappedAt}/v1/messages`, 'POST')).status).toBe(200);
    // Replacing the mapping's key keeps its block rules.
    await ok(['mappings', 'add', mappedAt, 'local://key', '--replace']);
    expect((await curl('roamer', `https://${mappedAt}/repos/x`, 'DELETE')).status).toBe(403);
    expect(await ok(['mappings', 'unblock', mappedAt, '--method', 'DELETE'])).toBe(`${mappedAt}: never used for POST /v1/files\n`);
    expect((await curl('roamer', `https://${mappedAt}/repos/x`, 'DELETE')).status).toBe(200);
    expect(await ok(['mappings', 'unblock', mappedAt, '--all'])).toBe(`${mappedAt}: no block rules\n`);
  });

  test.each([
    [['agents', 'egress', 'locked', 'allow', 'paste.example/x'], /"paste\.example\/x" is not an egress entry: give a host such as registry\.npmjs\.org/],
    [['agents', 'egress', 'locked', 'remove', 'never.example'], /never\.example is not on locked's egress list/],
    [['agents', 'egress', 'locked', 'allow', '--preset', 'everything'], /No egress preset "everything": the presets are providers, registries, github/],
    [['agents', 'egress', 'locked', 'sideways'], /usage: onecli-launcher agents egress NAME/],
    [['agents', 'egress', 'ghost', 'open'], /No agent named "ghost"/],
    [['agents', 'limit', 'budget', '5/week'], /"5\/week" is not a limit: give N\/minute, N\/hour or N\/day/],
    [['agents', 'limit', 'budget', '0/minute'], /is not a limit/],
    [['agents', 'limit', 'budget', 'nope.example', '5/minute'], /No mapping named nope\.example/],
    [['agents', 'limit', 'budget', '1/day', 'off'], /No mapping named/],
    [['agents', 'limit', 'locked', 'off'], /locked has no limit on all its traffic/],
    [['mappings', 'block', 'MAPPED'], /a block rule needs --method, --path, or both/],
    [['mappings', 'block', 'MAPPED', '--path', '/a/../b'], /That block rule cannot be kept: its path must not contain/],
    [['mappings', 'unblock', 'MAPPED', '--method', 'PUT'], /has no block rule PUT \//],
    [['mappings', 'block', 'nope.example', '--method', 'DELETE'], /No mapping named nope\.example/],
    [['agents', 'create', 'x', '--egress', 'closed'], /--egress takes open or allowlist/],
  ])('%j: a clear error that says what to do', async (args, message) => {
    const r = await onecli(args.map((a) => (a === 'MAPPED' ? mappedAt : a)));
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(message);
  });

  test('agents list shows egress and limits; removing a mapping drops its limits; no command printed the value or a token', async () => {
    expect(await ok(['agents', 'list'])).toMatch(
      /locked\s+may use every mapping; never asks\n\s+egress allowlist: its mappings and .*registry\.npmjs\.org.*; no rate limits/,
    );
    await ok(['mappings', 'remove', mappedAt]);
    expect(await agentJson('budget')).toMatchObject({ limits: [] });
    const settings = readFileSync(path.join(dataDir, 'settings.json'), 'utf8');
    const tokens = await Promise.all(['roamer', 'locked', 'budget'].map(async (a) => decodeURIComponent(new URL((await agentVars(a)).HTTPS_PROXY!).password)));
    for (const secret of [VALUE, ...tokens]) {
      expect(outputs.join('\n')).not.toContain(secret);
      expect(settings).not.toContain(secret);
    }
  });
});
