import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HeaderRule } from '../../src/shared/header-rule.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpTransport } from '../../src/cli/control-client.js';
import { serveControlApi, type ControlServer } from '../../src/core/control/control-server.js';
import type { ControlEvent } from '../../src/shared/control-api.js';
import { rawRequest, readToEnd, run, tlsThroughProxy } from '../support/clients.js';
import { coreHarness } from '../support/core-harness.js';
import { waitFor } from '../support/wait-for.js';
import { localSecretName } from '../../src/core/secrets/secret-names.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

const TOKEN = 'control-token-for-tests-0123456789';
const FIXTURE_VALUES = (
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/op-fixture.json'), 'utf8')).items as { fields: { value?: string }[] }[]
)
  .flatMap((i) => i.fields.map((f) => f.value))
  .filter((v): v is string => !!v && v.length > 8);

let h: ReturnType<typeof coreHarness>;
let server: ControlServer;
let upstream: TlsUpstream;
let staticDir: string;
const api = () => httpTransport(server.url, TOKEN);

beforeAll(async () => {
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['127.0.0.2']), '127.0.0.2');
  h = coreHarness({ extraCaPem: upstreamCa.certPem });
  await h.core.start();
  staticDir = path.join(h.dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>OneCLI</title>');
  server = await serveControlApi(h.core, { port: 0, token: TOKEN, staticDir, log: { warn: () => undefined, error: () => undefined } });
  h.core.setControlUrl(server.url);
});
afterAll(async () => {
  await server?.close();
  await h?.core.stop();
  await upstream?.close();
});

const post = (pathname: string, init: { token?: string; host?: string; body?: string; type?: string } = {}) =>
  rawRequest(
    server.port,
    `POST ${pathname} HTTP/1.1\r\nHost: ${init.host ?? `127.0.0.1:${server.port}`}\r\n${init.token === undefined ? `Authorization: Bearer ${TOKEN}\r\n` : init.token ? `Authorization: Bearer ${init.token}\r\n` : ''}Content-Type: ${init.type ?? 'application/json'}\r\nContent-Length: ${Buffer.byteLength(init.body ?? '{}')}\r\nConnection: close\r\n\r\n${init.body ?? '{}'}`,
  );

describe('control API over HTTP: who may call it', () => {
  test('no token or a wrong one → 401', async () => {
    expect((await post('/api/call/status.get', { token: '' })).status).toBe(401);
    expect((await post('/api/call/status.get', { token: 'wrong-token' })).status).toBe(401);
    expect((await post('/api/call/status.get')).status).toBe(200);
  });

  test('a foreign Host (DNS rebinding) → refused even with the token', async () => {
    expect((await post('/api/call/status.get', { host: `evil.example:${server.port}` })).status).toBe(401);
  });

  test('no CORS: no Access-Control headers, and a form-encoded body is refused', async () => {
    const ok = await post('/api/call/status.get');
    expect(Object.keys(ok.headers).some((h) => h.startsWith('access-control'))).toBe(false);
    expect((await post('/api/call/status.get', { type: 'text/plain', body: '{}' })).status).toBe(400);
  });

  test('unknown methods and invalid params get a code and a sentence', async () => {
    await expect(api().call('nope' as 'status.get', {})).rejects.toMatchObject({ code: 'unknown_method' });
    await expect(api().call('mappings.add', { host: 'a.example' } as never)).rejects.toMatchObject({
      code: 'invalid_params',
      message: expect.stringMatching(/^reference: /),
    });
  });
});

describe('the headless UI in a browser', () => {
  const request = (method: string, pathname: string, headers: Record<string, string>, body = '') =>
    rawRequest(
      server.port,
      `${method} ${pathname} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );

  test('pages are served with a strict CSP; nothing outside the UI folder is', async () => {
    const page = await request('GET', '/', {});
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await request('GET', '/mappings', {})).status).toBe(200); // one-page app routes
    const traversal = await request('GET', '/%2e%2e/%2e%2e/etc/passwd', {});
    expect(await readToEnd(traversal)).toContain('<title>OneCLI</title>'); // the app's page, never the file
    expect((await request('GET', '/..%2f..%2fetc%2fpasswd', {})).status).toBe(404);
    expect((await request('GET', '/missing.js', {})).status).toBe(404);
  });

  test('a one-time sign-in code becomes an HttpOnly SameSite=Strict session; the code cannot be reused', async () => {
    const { url } = await api().call('ui.loginUrl', {});
    const code = new URL(url).hash.replace('#login=', '');
    expect(new URL(url).search).toBe('');
    const json = { 'content-type': 'application/json', origin: `http://127.0.0.1:${server.port}` };
    const signIn = await request('POST', '/api/session', json, JSON.stringify({ code }));
    expect(signIn.status).toBe(200);
    expect(signIn.headers['set-cookie']).toMatch(/^onecli_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    expect((await request('POST', '/api/session', json, JSON.stringify({ code }))).status).toBe(401);
    const cookie = signIn.headers['set-cookie']!.split(';')[0]!;

    expect((await request('POST', '/api/call/status.get', { ...json, cookie }, '{}')).status).toBe(200);
    // A page on another origin cannot use the cookie, even if the browser sent it.
    expect((await request('POST', '/api/call/status.get', { ...json, cookie, origin: 'http://evil.example' }, '{}')).status).toBe(401);
    // A browser session cannot mint sign-in links.
    expect((await request('POST', '/api/call/ui.loginUrl', { ...json, cookie }, '{}')).status).toBe(401);
    expect((await request('POST', '/api/call/status.get', { ...json, cookie: 'onecli_session=forged' }, '{}')).status).toBe(401);
  });
});

describe('control API: what it does', () => {
  test('SSE delivers status changes and activity as they happen', async () => {
    const events: ControlEvent[] = [];
    const unsubscribe = api().subscribe((e) => events.push(e));
    await waitFor(() => events.length > 0, 5_000, 'the event stream to open (it starts with a status event)');
    await api().call('secrets.set', { name: 'up', value: 'sk-control-api-SECRET-000111' });
    await api().call('mappings.add', { host: `127.0.0.2:${upstream.port}`, reference: 'local://up' });
    const { vars } = await api().call('env.get', {});
    await run('curl', ['-sS', `https://127.0.0.2:${upstream.port}/echo`], { env: { PATH: process.env.PATH, ...vars } });
    await waitFor(() => events.some((e) => e.type === 'activity'), 5_000, 'the batched activity event');
    unsubscribe();
    expect(events.some((e) => e.type === 'status' && e.status.mappings === 1)).toBe(true);
    const activity = events.flatMap((e) => (e.type === 'activity' ? e.entries : []));
    expect(activity).toContainEqual(expect.objectContaining({ agent: 'default', mapping: `127.0.0.2:${upstream.port}`, status: 200, door: 'proxy' }));
    expect(JSON.stringify(events)).not.toContain('sk-control-api-SECRET-000111');
  });

  test('"test a request": a real request through the gateway, showing the header name, never the value', async () => {
    const r = await api().call('mappings.probe', { host: `127.0.0.2:${upstream.port}` });
    expect(r).toMatchObject({ status: 200, header: 'authorization' });
    expect(JSON.stringify(r)).not.toContain('sk-control-api-SECRET');
    expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-control-api-SECRET-000111');
    await api().call('mappings.add', { host: '127.0.0.2:1', reference: 'local://missing-secret' });
    const failed = await api().call('mappings.probe', { host: '127.0.0.2:1' });
    expect(failed).toMatchObject({ status: 502, error: 'not_found', message: expect.stringMatching(/secrets set missing-secret/) });
    await api().call('mappings.remove', { host: '127.0.0.2:1' });
  });

  test('the picker lists vaults → items → fields from 1Password, never a value', async () => {
    await api().call('pair.desktop', {});
    const vaults = await api().call('picker.vaults', {});
    expect(vaults.map((v) => v.name)).toEqual(expect.arrayContaining(['API Keys', 'Private']));
    const apiKeys = vaults.find((v) => v.name === 'API Keys')!;
    const items = await api().call('picker.items', { vaultId: apiKeys.id });
    const anthropic = items.find((i) => i.title === 'Anthropic')!;
    expect(anthropic.urls).toContain('https://api.anthropic.com');
    const fields = await api().call('picker.fields', { vaultId: apiKeys.id, itemId: anthropic.id });
    expect(fields.map((f) => f.reference)).toContain('op://API Keys/Anthropic/Admin/credential');
    expect(JSON.stringify(fields)).not.toMatch(new RegExp(FIXTURE_VALUES.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')));
  });

  test('import suggests mappings from items with URLs, never over an existing mapping', async () => {
    await api().call('mappings.add', { host: 'api.openai.com', reference: 'local://up' });
    const suggestions = await api().call('import.suggestions', {});
    expect(suggestions.map((s) => s.host)).toContain('api.anthropic.com');
    expect(suggestions.map((s) => s.host)).not.toContain('api.openai.com');
  });

  test('a suggestion for a catalog host carries its preset, and adding it as shown stores that shape', async () => {
    const anthropic = (await api().call('import.suggestions', {})).find((s) => s.host === 'api.anthropic.com');
    expect(anthropic).toMatchObject({ preset: 'anthropic', service: 'Anthropic', rule: { type: 'x-api-key' }, route: 'anthropic' });
    const added = await api().call('mappings.add', { host: anthropic!.host, reference: anthropic!.reference, rule: anthropic!.rule });
    expect(added).toMatchObject({ name: 'api.anthropic.com', rule: { type: 'x-api-key' }, route: 'anthropic' });
    await api().call('mappings.remove', { host: 'api.anthropic.com' });
  });

  test('mappings.add takes the shape as data (the UI form) and keeps it; a rule the schema refuses says what is wrong', async () => {
    const rule: HeaderRule = {
      type: 'headers',
      headers: [
        { header: 'cf-access-client-id', template: '{value}' },
        { header: 'cf-access-client-secret', template: '{value}', reference: 'local://cf-secret' },
      ],
    };
    await api().call('mappings.add', { host: 'app.corp.example', reference: 'local://cf-id', rule });
    expect((await api().call('mappings.list', {})).find((m) => m.name === 'app.corp.example')?.rule).toEqual(rule);
    const refused = await api()
      .call('mappings.add', { host: 'b.corp.example', reference: 'local://k', rule: { type: 'basic', template: 'no-colon-{value}' } })
      .catch((e: unknown) => e as { code: string; message: string });
    expect(refused).toMatchObject({ code: 'invalid_params', message: expect.stringMatching(/must separate the user name and the password with ":"/) });
    await api().call('mappings.remove', { host: 'app.corp.example' });
  });

  test('ca rotate: a new CA, the gateway restarted with it, same file paths', async () => {
    const before = await api().call('status.get', {});
    const { sha256 } = await api().call('ca.rotate', {});
    const after = await api().call('status.get', {});
    expect(sha256).not.toBe(before.ca?.sha256);
    expect(after.ca?.certFile).toBe(before.ca?.certFile);
    expect(after.gateway.state).toBe('running');
    const newCa = readFileSync(after.ca!.certFile, 'utf8');
    const { vars } = await api().call('env.get', {});
    const token = decodeURIComponent(vars.HTTPS_PROXY!.split(':')[2]!.split('@')[0]!);
    const tls = await tlsThroughProxy(after.gateway.port, token, `127.0.0.2:${upstream.port}`, { ca: newCa });
    expect(new X509Certificate(tls.getPeerX509Certificate()!.raw).checkIssued(new X509Certificate(newCa))).toBe(true);
    tls.destroy();
  });

  test('settings: headless capabilities, persisted preferences', async () => {
    const before = await api().call('settings.get', {});
    expect(before.capabilities).toMatchObject({ launchAtLogin: false, updates: false, openLinks: false });
    const after = await api().call('settings.update', { checkForUpdates: false });
    expect(after.checkForUpdates).toBe(false);
    expect(h.settings.get().preferences.checkForUpdates).toBe(false);
    expect((await api().call('settings.update', { onboarded: true })).onboarded).toBe(true);
    expect(after.portOverride).toBe(0); // the harness runs with --port 0
    expect((await api().call('doctor.run', { only: ['gateway.'] })).map((c) => c.id)).toEqual(['gateway.port']);
    expect(await api().call('system.openLink', { link: 'fullDiskAccess' })).toEqual({ opened: false });
    await expect(api().call('system.openLink', { link: 'https://evil.example' as 'fullDiskAccess' })).rejects.toMatchObject({ code: 'invalid_params' });
  });

  test('revoking an agent takes effect in the gateway at once', async () => {
    const { token } = await api().call('agents.create', { name: 'temp' });
    const port = (await api().call('status.get', {})).gateway.port;
    const auth = (t: string) => `Proxy-Authorization: Basic ${Buffer.from(`x:${t}`).toString('base64')}\r\n`;
    const ok = await rawRequest(port, `CONNECT 127.0.0.1:1 HTTP/1.1\r\n${auth(token)}\r\n`);
    expect(ok.status).toBe(502); // authenticated; the target itself is unreachable
    ok.socket.destroy();
    await api().call('agents.revoke', { name: 'temp' });
    const refused = await rawRequest(port, `CONNECT 127.0.0.1:1 HTTP/1.1\r\n${auth(token)}\r\n`);
    expect(refused.status).toBe(407);
    refused.socket.destroy();
  });
});

test('reset forgets mappings, agents and the 1Password connection, and keeps working', async () => {
  const { token: oldToken } = await api().call('agents.create', { name: 'before-reset' });
  await api().call('settings.reset', { confirm: 'reset' });
  const status = await api().call('status.get', {});
  expect(status).toMatchObject({ mappings: 0, agents: 1, source: { kind: 'none' } });
  expect(await h.secrets.get('agent-token:before-reset')).toBeUndefined();
  const port = status.gateway.port;
  const refused = await rawRequest(
    port,
    `CONNECT 127.0.0.1:1 HTTP/1.1\r\nProxy-Authorization: Basic ${Buffer.from(`x:${oldToken}`).toString('base64')}\r\n\r\n`,
  );
  expect(refused.status).toBe(407);
  refused.socket.destroy();
  await expect(api().call('settings.reset', {} as never)).rejects.toMatchObject({ code: 'invalid_params' });
});

describe('control API: values that cannot be a header are refused where they enter', () => {
  test.each([
    ['a newline inside', 'sk-QZ7first\nsecond', /line break/],
    ['two trailing newlines', 'sk-QZ7-value\n\n', /line break/],
    ['a character outside Latin-1', 'sk-QZ7-€-value', /outside printable ASCII \(U\+20AC\)/],
    ['CR/LF header injection', 'sk-QZ7\r\nX-Injected: 1', /line break/],
  ])('secrets set with %s: invalid_params naming the problem, nothing saved', async (_name, value, problem) => {
    await expect(api().call('secrets.set', { name: 'bad-value', value })).rejects.toThrow(problem);
    await expect(api().call('secrets.set', { name: 'bad-value', value })).rejects.not.toThrow('QZ7');
    const r = await api().call('mappings.add', { host: '127.0.0.3:9', reference: 'local://bad-value' });
    expect(r).toBeDefined();
    const probe = await api().call('mappings.test', { host: '127.0.0.3:9' });
    expect(probe).toMatchObject({ ok: false, code: 'not_found' });
    await api().call('mappings.remove', { host: '127.0.0.3:9' });
  });

  test.each([
    ['a CR/LF', 'Bearer {value}\r\nX-Injected: 1', /line break/],
    ['a non-ASCII character', 'Tökén {value}', /outside printable ASCII/],
  ])('a template with %s: invalid_params, no mapping added', async (_name, template, problem) => {
    await expect(api().call('mappings.add', { host: '127.0.0.3:10', reference: 'local://x', header: 'authorization', template })).rejects.toThrow(problem);
    const list = await api().call('mappings.list', {});
    expect(JSON.stringify(list)).not.toContain('127.0.0.3:10');
  });
});

test('a value stored before these checks (or resolved from 1Password) with a newline: mappings test says invalid_value, the gateway answers 502 invalid_value', async () => {
  await h.secrets.set(localSecretName('legacy'), 'sk-legacy-QZ8\nsecond-line');
  await api().call('mappings.add', { host: `127.0.0.2:${upstream.port}`, reference: 'local://legacy', replace: true });
  const tested = await api().call('mappings.test', { host: `127.0.0.2:${upstream.port}` });
  expect(tested).toMatchObject({ ok: false, code: 'invalid_value', message: expect.stringMatching(/line break/) });
  expect(JSON.stringify(tested)).not.toContain('QZ8');
  const probe = await api().call('mappings.probe', { host: `127.0.0.2:${upstream.port}` });
  expect(probe).toMatchObject({ status: 502, error: 'invalid_value' });
  await api().call('mappings.remove', { host: `127.0.0.2:${upstream.port}` });
});
