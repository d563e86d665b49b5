/**
 * Issue 12 through the CLI and a real `serve`, with real clients: path and method rules named
 * HOST/PREFIX, agent scopes (403 not_permitted, nothing sent), the errors that say what to do,
 * and an --ask agent's request held until `approvals allow` (undici's ProxyAgent, as Node SDKs
 * use it, and curl).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../support/clients.js';
import { cliSession, startServe, type ServeProcess } from '../support/cli.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';
import { waitFor } from '../support/wait-for.js';

const UPSTREAM_HOST = '127.0.0.2';
const VALUES = { all: 'sk-scoped-any-path-0000000000', repos: 'sk-scoped-repos-read-00000000' };
let upstream: TlsUpstream;
let serve: ServeProcess;
let env: NodeJS.ProcessEnv;
let dataDir: string;
let host: string;
const { outputs, onecli, ok, agentVars } = cliSession(() => env);
async function curl(agent: string, method: string, urlPath: string) {
  const vars = await agentVars(agent);
  const before = upstream.requests.length;
  const r = await run('curl', ['-sS', '-X', method, '-D', '-', '-w', '\n%{http_code}', `https://${host}${urlPath}`], {
    env: { PATH: process.env.PATH, ...vars },
    timeoutMs: 70_000,
  });
  return { status: Number(r.stdout.trim().split('\n').at(-1)), out: r.stdout, seen: upstream.requests.slice(before) };
}

beforeAll(async () => {
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, [UPSTREAM_HOST]), UPSTREAM_HOST);
  host = `${UPSTREAM_HOST}:${upstream.port}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-cli-scope-'));
  dataDir = path.join(dir, 'data');
  writeFileSync(path.join(dir, 'upstream-ca.pem'), upstreamCa.certPem);
  env = { PATH: process.env.PATH, HOME: dir, ONECLI_DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: path.join(dir, 'upstream-ca.pem') };
  serve = await startServe(['--port', '0', '--control-port', '0'], env);
  await ok(['secrets', 'set', 'any', '-'], VALUES.all);
  await ok(['secrets', 'set', 'repos', '-'], VALUES.repos);
}, 30_000);
afterAll(async () => {
  await serve?.stop();
  await upstream?.close();
});

describe('scoped access through the CLI (issue 12)', () => {
  test('mappings add --path --method: several per host, named HOST/PREFIX, the most specific wins', async () => {
    await ok(['mappings', 'add', host, 'local://any']);
    expect(await ok(['mappings', 'add', host, 'local://repos', '--path', '/repos/', '--method', 'get,HEAD'])).toBe(
      `Mapped ${host}/repos for GET, HEAD → local://repos (Authorization: Bearer <value>).\n`,
    );
    const list = JSON.parse(await ok(['mappings', 'list', '--json'])) as { name: string; path?: string; methods?: string[] }[];
    expect(list.map((m) => [m.name, m.path, m.methods])).toEqual([
      [host, undefined, undefined],
      [`${host}/repos`, '/repos', ['GET', 'HEAD']],
    ]);
    const dup = await onecli(['mappings', 'add', `${host}/repos`, 'local://any']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(
      new RegExp(`${host.replace(/\./g, '\\.')}/repos is already mapped: edit that mapping or remove it first.*Run: onecli-launcher mappings add … --replace`),
    );
    expect((await curl('default', 'GET', '/repos/acme')).seen[0]?.headers.authorization).toBe(`Bearer ${VALUES.repos}`);
    expect((await curl('default', 'POST', '/repos/acme')).seen[0]?.headers.authorization).toBe(`Bearer ${VALUES.all}`);
    expect(await ok(['mappings', 'test', `${host}/repos`])).toMatch(/^✓ .*\/repos: authorization: /);
  });

  test('agents create --allow: outside its scope a request gets 403 not_permitted naming agent and mapping, and nothing is sent', async () => {
    await ok(['agents', 'create', 'ci', '--allow', `${host}/repos`]);
    const inside = await curl('ci', 'GET', '/repos/acme');
    expect(inside.status).toBe(200);
    expect(inside.seen[0]?.headers.authorization).toBe(`Bearer ${VALUES.repos}`);
    const outside = await curl('ci', 'GET', '/user');
    expect(outside.status).toBe(403);
    expect(outside.out.toLowerCase()).toContain('x-onecli-error: not_permitted');
    const body = JSON.parse(outside.out.slice(outside.out.indexOf('{'), outside.out.lastIndexOf('}') + 1)) as { error: { mapping: string; message: string } };
    expect(body.error).toMatchObject({
      mapping: host,
      message: expect.stringContaining(`Agent "ci" may not use ${host}: allow it with onecli-launcher agents allow ci ${host}`),
    });
    expect(outside.seen).toEqual([]);
    const listed = JSON.parse(await ok(['agents', 'list', '--json'])) as { name: string; allow: unknown; policy: string }[];
    expect(listed.find((a) => a.name === 'ci')).toMatchObject({ allow: [`${host}/repos`], policy: 'allow' });
    expect(listed.find((a) => a.name === 'default')).toMatchObject({ allow: 'all', policy: 'allow' });
    // agents allow: the gateway hears at once.
    expect(await ok(['agents', 'allow', 'ci', host])).toBe(`ci may use ${host}/repos, ${host}; never asks.\n`);
    expect((await curl('ci', 'GET', '/user')).status).toBe(200);
    expect(await ok(['agents', 'disallow', 'ci', `${host}/repos`])).toBe(`ci may use ${host}; never asks.\n`);
    expect((await curl('ci', 'GET', '/repos/acme')).status).toBe(403);
  });

  test.each([
    [['agents', 'allow', 'ci', 'nope.example'], /No mapping named nope\.example: mappings are named HOST or HOST\/PREFIX.*mappings add HOST REF/],
    [['agents', 'create', 'x', '--allow', 'nope.example/v1'], /No mapping named nope\.example\/v1/],
    [['agents', 'policy', 'ghost', 'ask'], /No agent named "ghost": see onecli-launcher agents list, or create it with onecli-launcher agents create ghost/],
    [['agents', 'policy', 'ci', 'sometimes'], /usage: onecli-launcher agents policy <name> ask\|allow/],
    [['mappings', 'remove', `${UPSTREAM_HOST}:1/repos`], /was not mapped/],
    [['mappings', 'add', 'a.example', 'local://any', '--method', 'GET,'], /--method takes a comma-separated list/],
    [['approvals', 'allow', 'zzzzzzzzzz'], /No approval "zzzzzzzzzz" is waiting/],
  ])('%j: a clear error that says what to do', async (args, message) => {
    const r = await onecli(args);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(message);
  });

  test('agents policy ask: a Node client through the proxy is held until approvals allow, then gets the credential', async () => {
    await ok(['agents', 'create', 'sdk', '--ask']);
    const vars = await agentVars('sdk');
    const ca = readFileSync(vars.NODE_EXTRA_CA_CERTS!, 'utf8');
    const dispatcher = new ProxyAgent({ uri: vars.HTTPS_PROXY!, requestTls: { ca } });
    try {
      const before = upstream.requests.length;
      const pending = undiciFetch(`https://${host}/v1/messages`, { method: 'POST', body: '{}', dispatcher });
      const card = await waitFor(
        async () => (JSON.parse(await ok(['approvals', '--json'])) as { id: string; agent: string; mapping: string }[]).find((a) => a.agent === 'sdk'),
        10_000,
        'the held request in approvals',
      );
      expect(card.mapping).toBe(host);
      expect(await ok(['approvals'])).toMatch(new RegExp(`^${card.id}  sdk wants to use ${host.replace(/\./g, '\\.')}  \\(gives up in \\d+ s\\)`));
      expect(upstream.requests.length).toBe(before);
      expect(await ok(['approvals', 'allow', card.id])).toMatch(/^Allowed sdk to use .* for this session/);
      const res = await pending;
      expect(res.status).toBe(200);
      await res.text();
      expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${VALUES.all}`);
      // Switching the policy back needs no approval for the next request.
      await ok(['agents', 'policy', 'sdk', 'allow']);
      expect((await curl('sdk', 'GET', '/user')).status).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });

  test('removing a mapping takes it out of every scope; no command printed a value or a token', async () => {
    await ok(['mappings', 'remove', host]);
    const listed = JSON.parse(await ok(['agents', 'list', '--json'])) as { name: string; allow: unknown }[];
    expect(listed.find((a) => a.name === 'ci')?.allow).toEqual([]);
    const settings = readFileSync(path.join(dataDir, 'settings.json'), 'utf8');
    const tokens = await Promise.all(['default', 'ci', 'sdk'].map(async (a) => decodeURIComponent(new URL((await agentVars(a)).HTTPS_PROXY!).password)));
    for (const secret of [...Object.values(VALUES), ...tokens]) {
      expect(outputs.join('\n')).not.toContain(secret);
      expect(settings).not.toContain(secret);
    }
  });
});
