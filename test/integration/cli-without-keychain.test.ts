import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { run } from '../support/clients.js';
import { cli, startServe, type ServeProcess } from '../support/cli.js';
import { envWithoutSessionBus } from '../support/keychain-session.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';
import { writeFileSync } from 'node:fs';

const VALUE = 'sk-memory-SECRET-3a4b5c6d7e8f9a0b';
let upstream: TlsUpstream;
let env: NodeJS.ProcessEnv;
let dataDir: string;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['127.0.0.2']), '127.0.0.2');
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-nokeychain-'));
  dataDir = path.join(dir, 'data');
  writeFileSync(path.join(dir, 'upstream-ca.pem'), upstreamCa.certPem);
  env = { ...envWithoutSessionBus(), PATH: process.env.PATH, HOME: dir, ONECLI_DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: path.join(dir, 'upstream-ca.pem') };
});
afterAll(async () => {
  await serve?.stop();
  await upstream?.close();
});

test('without a keychain, commands that would store a secret refuse with the fix, exit 5', async () => {
  const r = await cli(['secrets', 'set', 'k', '-'], env, VALUE);
  expect(r.code).toBe(5);
  expect(r.stderr).toMatch(/--insecure-file-store/);
});

test('serve without a keychain keeps secrets in memory for the run: it works, and nothing is written', async () => {
  serve = await startServe(['--port', '0', '--control-port', '0'], env);
  expect(serve.stderr.join('\n')).toMatch(/secrets live in memory for this run only/);
  expect((await cli(['secrets', 'set', 'k', '-'], env, VALUE)).stdout).toMatch(/in memory for this run only/);
  expect((await cli(['mappings', 'add', `127.0.0.2:${upstream.port}`, 'local://k'], env)).code).toBe(0);
  const vars = JSON.parse((await cli(['env', '--json'], env)).stdout) as Record<string, string>;
  const echo = await run('curl', ['-sS', `https://127.0.0.2:${upstream.port}/echo`], { env: { PATH: process.env.PATH, ...vars } });
  expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${VALUE}`);
  expect(echo.stdout).not.toContain(VALUE);
  const status = JSON.parse((await cli(['status', '--json'], env)).stdout);
  expect(status.secretStore).toMatchObject({ kind: 'none', detail: expect.stringMatching(/memory only/) });
  // The whole data dir, logs/ included.
  const files = (readdirSync(dataDir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
  const onDisk = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  expect(onDisk).not.toContain(VALUE);
  expect(onDisk).not.toContain(vars.HTTPS_PROXY!.split(':')[2]!.split('@')[0]); // the agent token
  expect(onDisk).not.toMatch(/PRIVATE KEY/);
  expect(await serve.stop()).toBe(0);
  serve = undefined;
});

test('SIGKILL of the launcher takes the gateway with it: no orphans', async () => {
  const killed = await startServe(['--port', '0', '--control-port', '0'], env);
  const status = JSON.parse((await cli(['status', '--json'], env)).stdout);
  const gatewayPid = status.gateway.pid as number;
  expect(gatewayPid).toBeGreaterThan(0);
  await killed.stop('SIGKILL');
  const alive = () => {
    try {
      process.kill(gatewayPid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 5_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(alive()).toBe(false);
  // The next run starts cleanly although the dead launcher left runtime.json behind.
  const next = await startServe(['--port', '0', '--control-port', '0'], env);
  expect((await cli(['status', '--json'], env)).code).toBe(0);
  await next.stop();
});
