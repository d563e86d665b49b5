import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../support/clients.js';
import { cli, startServe, type ServeProcess } from '../support/cli.js';
import { startKeychainSession, type KeychainSession } from '../support/keychain-session.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

const LOCAL_VALUE = 'sk-local-CLI-SECRET-7d1e9a2b4c6f8e0a';
const BAD_SA_TOKEN = 'ops_not-a-real-service-account-token-1234';
/** A loopback address NO_PROXY does not cover, so agents reach it through the gateway as they would a real API. */
const UPSTREAM_HOST = '127.0.0.2';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const OP_VALUE = JSON.parse(readFileSync(path.join(FIXTURES, 'op-fixture.json'), 'utf8'))
  .items.find((i: { title: string }) => i.title === 'Anthropic')
  .fields.find((f: { label: string }) => f.label === 'credential').value as string;

let keychain: KeychainSession;
let upstream: TlsUpstream;
let env: NodeJS.ProcessEnv;
let dataDir: string;
let opMode: string;
let serve: ServeProcess | undefined;
const outputs: string[] = [];

/** Runs the CLI and keeps everything it printed for the secret scan at the end. */
async function onecli(args: string[], input?: string) {
  const r = await cli(args, env, input);
  outputs.push(r.stdout, r.stderr);
  return r;
}

beforeAll(async () => {
  keychain = await startKeychainSession();
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, [UPSTREAM_HOST]), UPSTREAM_HOST);
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-cli-'));
  dataDir = path.join(dir, 'data');
  writeFileSync(path.join(dir, 'upstream-ca.pem'), upstreamCa.certPem);
  // The `op` the launcher finds on PATH: the test double, steered by a file (FAKE_OP_* never pass the env allowlist).
  const bin = path.join(dir, 'bin');
  opMode = path.join(dir, 'op-mode');
  writeFileSync(opMode, 'ok');
  (await import('node:fs')).mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'op'),
    `#!/bin/sh\nFAKE_OP_FIXTURE='${path.join(FIXTURES, 'op-fixture.json')}' FAKE_OP_MODE="$(cat '${opMode}')" exec '${process.execPath}' '${path.join(FIXTURES, 'fake-op.mjs')}' "$@"\n`,
  );
  chmodSync(path.join(bin, 'op'), 0o755);
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir,
    ...keychain.env,
    ONECLI_DATA_DIR: dataDir,
    NODE_EXTRA_CA_CERTS: path.join(dir, 'upstream-ca.pem'),
  };
});
afterAll(async () => {
  await serve?.stop();
  await upstream?.close();
  await keychain?.stop();
});

describe('headless: every command, end to end, with a real keychain and real clients', () => {
  test('secrets come from stdin, never argv', async () => {
    const refused = await onecli(['secrets', 'set', 'upstream-key', LOCAL_VALUE]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/never from the command line/);
    const stored = await onecli(['secrets', 'set', 'upstream-key', '-'], `${LOCAL_VALUE}\n`);
    expect(stored.code).toBe(0);
    expect(stored.stdout).toContain('Stored local://upstream-key in the keychain');
  });

  test('mappings are validated before saving; a bad one is one clear line and exit 2', async () => {
    const bad = await onecli(['mappings', 'add', 'localhost:1', 'op://only-vault']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/vault, an item and a field/);
    const ok = await onecli(['mappings', 'add', `${UPSTREAM_HOST}:${upstream.port}`, 'local://upstream-key', '--header', 'x-api-key']);
    expect(ok.code).toBe(0);
    const dup = await onecli(['mappings', 'add', `${UPSTREAM_HOST}:${upstream.port}`, 'local://upstream-key']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/already mapped: edit that mapping or remove it first.*Run: onecli-launcher mappings add … --replace/);
  });

  test('mappings test resolves a local secret and prints it masked', async () => {
    const r = await onecli(['mappings', 'test', `${UPSTREAM_HOST}:${upstream.port}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ 127\.0\.0\.2:\d+: x-api-key: sk-l…0a \(36 chars\)/);
  });

  test('serve starts the gateway and the control API; curl through the gateway gets the value injected', async () => {
    serve = await startServe(['--port', '0', '--control-port', '0'], env);
    const { stdout } = await onecli(['env', '--json']);
    const vars = JSON.parse(stdout) as Record<string, string>;
    expect(vars.HTTPS_PROXY).toBe(`http://x:${vars.HTTPS_PROXY?.split(':')[2]?.split('@')[0]}@127.0.0.1:${serve.gatewayPort}`);
    // curl finds the proxy and the CA bundle in the environment `env` prints, as an agent would.
    const r = await run('curl', ['-sS', `https://${UPSTREAM_HOST}:${upstream.port}/echo`], { env: { PATH: process.env.PATH, ...vars } });
    expect(r.stderr).toBe('');
    // The upstream got the key; its echo of it reaches the agent masked.
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(LOCAL_VALUE);
    expect(r.stdout).not.toContain(LOCAL_VALUE);
  });

  test('run -- <command> gives the command the same environment', async () => {
    const r = await cli(['run', '--', 'curl', '-sS', `https://${UPSTREAM_HOST}:${upstream.port}/echo`], env);
    expect(r.code).toBe(0);
    // The upstream got the key; its echo of it reaches the agent masked.
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(LOCAL_VALUE);
    expect(r.stdout).not.toContain(LOCAL_VALUE);
  });

  test('while serve runs, changes go through it and reach the gateway at once', async () => {
    await onecli(['secrets', 'set', 'rotated', '-'], 'sk-rotated-value-000000000000000');
    await onecli(['mappings', 'add', `${UPSTREAM_HOST}:${upstream.port}`, 'local://rotated', '--header', 'x-api-key', '--replace']);
    const r = await cli(['run', '--', 'curl', '-sS', `https://${UPSTREAM_HOST}:${upstream.port}/echo`], env);
    // The upstream got the key; its echo of it reaches the agent masked.
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe('sk-rotated-value-000000000000000');
    expect(r.stdout).not.toContain('sk-rotated-value-000000000000000');
    const status = JSON.parse((await onecli(['status', '--json'])).stdout);
    expect(status.gateway).toMatchObject({ state: 'running', port: serve!.gatewayPort });
    expect(status.secretStore.kind).toBe('keychain');
  });

  test('pair --desktop uses the 1Password app through op, and op:// mappings resolve', async () => {
    const paired = await onecli(['pair', '--desktop']);
    expect(paired.stdout).toMatch(/Connected to the 1Password app through op \(\d+ vault\(s\) visible\)/);
    await onecli(['mappings', 'add', 'api.anthropic.com', 'op://API Keys/Anthropic/Admin/credential']);
    const r = await onecli(['mappings', 'test', 'api.anthropic.com']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('x-api-key');
    // A value from 1Password (through op), injected by the gateway into a real request.
    await onecli(['mappings', 'add', `${UPSTREAM_HOST}:${upstream.port}`, 'op://API Keys/Anthropic/Admin/credential', '--header', 'x-api-key', '--replace']);
    const echo = await cli(['run', '--', 'curl', '-sS', `https://${UPSTREAM_HOST}:${upstream.port}/echo`], env);
    // The upstream got the key; its echo of it reaches the agent masked.
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(OP_VALUE);
    expect(echo.stdout).not.toContain(OP_VALUE);
    const vars = JSON.parse((await onecli(['env', '--json'])).stdout);
    expect(vars.ANTHROPIC_BASE_URL).toBe(`http://127.0.0.1:${serve!.gatewayPort}/r/anthropic`);
    expect(vars.ANTHROPIC_API_KEY).toMatch(/^oc_/);
  });

  test('a locked 1Password app: mappings test says so and how to fix it, exit 4', async () => {
    writeFileSync(opMode, 'locked');
    await onecli(['gateway', 'restart']); // drop the gateway's cached values
    const r = await onecli(['mappings', 'test', 'api.anthropic.com']);
    writeFileSync(opMode, 'ok');
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/✗ api\.anthropic\.com: auth_required: .*Integrate with 1Password CLI/);
  });

  test('pair --service-account with a malformed token: the real SDK refuses it, nothing is kept', async () => {
    const r = await onecli(['pair', '--service-account', '-'], BAD_SA_TOKEN);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/service-account token was refused.*pair again/);
    expect(JSON.parse((await onecli(['status', '--json'])).stdout).source.kind).toBe('desktop');
  });

  test('doctor reports checks with stable ids, statuses and fixes', async () => {
    const r = await onecli(['doctor', '--json']);
    const checks = JSON.parse(r.stdout) as { id: string; status: string }[];
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['settings.file', 'secrets.store', 'gateway.port', 'ca.files', 'source.desktop', 'op.installed']),
    );
    expect(checks.find((c) => c.id === 'gateway.port')?.status).toBe('ok');
    expect(checks.find((c) => c.id === 'source.desktop')?.status).toBe('ok');
    for (const id of ['ca.trusted.node', 'ca.trusted.curl', 'ca.trusted.python']) expect(checks.find((c) => c.id === id)?.status).toBe('ok');
  });

  test('agents: create, revoke; a revoked token is refused by the gateway', async () => {
    expect((await onecli(['agents', 'create', 'ci-bot'])).code).toBe(0);
    const vars = JSON.parse((await onecli(['env', '--agent', 'ci-bot', '--json'])).stdout);
    expect((await onecli(['agents', 'revoke', 'ci-bot'])).code).toBe(0);
    const r = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_connect}', `https://${UPSTREAM_HOST}:${upstream.port}/echo`], {
      env: { PATH: process.env.PATH, ...vars },
    });
    expect(r.stdout).toBe('407');
  });

  test('serve stops cleanly on SIGTERM and takes the gateway with it', async () => {
    const status = JSON.parse((await onecli(['status', '--json'])).stdout);
    const gatewayPort = status.gateway.port;
    expect(await serve!.stop('SIGTERM')).toBe(0);
    const r = await run('curl', ['-sS', '-m', '2', `http://127.0.0.1:${gatewayPort}/healthz`]);
    expect(r.code).not.toBe(0);
    expect(readdirSync(dataDir)).not.toContain('runtime.json');
    serve = undefined;
  });

  test('no secret value or token appears in any output, file or log', async () => {
    // The whole data dir, logs/ included.
    const files = (readdirSync(dataDir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    expect(files.some((f) => f.includes(`${path.sep}logs${path.sep}`))).toBe(true);
    const everything = [...outputs, ...files.map((f) => readFileSync(f, 'utf8'))].join('\n');
    for (const secret of [LOCAL_VALUE, 'sk-rotated-value-000000000000000', OP_VALUE, BAD_SA_TOKEN]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/PRIVATE KEY/);
  });
});
