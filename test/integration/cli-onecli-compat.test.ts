/**
 * Issue 15 through the CLI: `onecli-compat enable [--listen] | disable | status`, with no launcher
 * running (the settings and the secret store, edited in process) and against a running `serve`
 * (the listener starts, moves and stops at once). The secret is printed by `enable` and nowhere else.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OnecliCompatView } from '../../src/shared/onecli-compat-api.js';
import { cli, cliSession, startServe, type ServeProcess } from '../support/cli.js';
import { envWithoutSessionBus } from '../support/keychain-session.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** The door's answer to `validate`: 503 here, where no 1Password is connected, which says it listens and took the secret. */
const validate = (url: string, secret: string) =>
  fetch(`${url}/v1/internal/onepassword/validate`, { method: 'POST', headers: { 'x-gateway-secret': secret }, body: '{"token":"t"}' }).then(
    (r) => r.status,
    () => 'refused' as const,
  );

describe('no launcher running: the settings and the secret store', () => {
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const { outputs, onecli, ok } = cliSession(() => env);

  beforeAll(() => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onecli-cli-door-'));
    dataDir = path.join(dir, 'data');
    env = { ...envWithoutSessionBus(), HOME: dir, ONECLI_DATA_DIR: dataDir };
  });

  test('without a keychain, enable refuses (exit 5) and keeps nothing', async () => {
    const r = await onecli(['onecli-compat', 'enable']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/--insecure-file-store/);
    expect((await onecli(['onecli-compat', 'status', '--json'])).stdout).toMatch(/"enabled": false/);
  });

  test('off by default; status says how to turn it on', async () => {
    expect(await ok(['onecli-compat', 'status'])).toMatch(
      /^OneCLI door {3}off \(onecli-compat enable turns it on\)\n {14}there is no "onecli" agent: onecli-compat enable makes one\n$/,
    );
  });

  test('enable prints both INTERNAL_API_URL forms and GATEWAY_INTERNAL_SECRET; the secret goes to the store, never the settings; again, the same one', async () => {
    const out = await ok(['onecli-compat', 'enable', '--insecure-file-store']);
    const secret = /^ {2}GATEWAY_INTERNAL_SECRET=([A-Za-z0-9_-]{43})$/m.exec(out)?.[1];
    expect(secret).toBeDefined();
    expect(out).toContain('OneCLI compatibility is on: not listening yet: it starts with OneCLI.app or onecli-launcher serve.');
    expect(out).toContain('  INTERNAL_API_URL=http://127.0.0.1:10257\n');
    expect(out).toContain("OneCLI's gateway in Docker (Docker Desktop): INTERNAL_API_URL=http://host.docker.internal:10257");
    expect(out).toContain("(Issue 15 called it GATEWAY_SECRET; OneCLI's gateway reads GATEWAY_INTERNAL_SECRET.)");
    expect(out).toContain('What OneCLI gets: the "onecli" agent may use every reference the app can read; never asks; no rate limits.');
    expect(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).not.toContain(secret);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).onecliCompat).toEqual({ enabled: true, listen: '127.0.0.1:10257' });
    expect(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toContain(secret);
    const again = JSON.parse(await ok(['onecli-compat', 'enable', '--json', '--insecure-file-store'])) as { secret: string };
    expect(again.secret).toBe(secret);
    // env without --agent still hands out the default agent, never OneCLI's.
    expect(JSON.parse(await ok(['agents', 'list', '--json'])).map((a: { name: string }) => a.name)).toEqual(['onecli']);
    expect(await ok(['env', '--insecure-file-store'])).toMatch(/^# OneCLI agent "default"/);
  });

  test('--listen takes an IP literal and a port; anything else is exit 2 with the fix', async () => {
    for (const listen of ['localhost:10257', '127.0.0.1', 'example.com:80', '[::1]']) {
      const r = await onecli(['onecli-compat', 'enable', '--listen', listen, '--insecure-file-store']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--listen: give an IP address and a port, such as 127\.0\.0\.1:10257 or \[::1\]:10257/);
    }
    expect((await onecli(['onecli-compat', 'status', '--listen', '127.0.0.1:1'])).code).toBe(2);
  });

  test('a non-loopback address is taken when named, and enable and status say plainly what it exposes', async () => {
    const out = await ok(['onecli-compat', 'enable', '--listen', '0.0.0.0:10999', '--insecure-file-store']);
    expect(out).toContain(
      "Warning: 0.0.0.0:10999 is not a loopback address. Anyone who can reach it and knows the secret can read every secret the app's 1Password source can read, in clear over plain HTTP.",
    );
    expect(out).toContain('  INTERNAL_API_URL=http://127.0.0.1:10999\n');
    expect(await ok(['onecli-compat', 'status'])).toMatch(/Warning: 0\.0\.0\.0:10999 is not a loopback address/);
    const view = OnecliCompatView.parse(JSON.parse(await ok(['onecli-compat', 'status', '--json', '--insecure-file-store'])));
    expect(view).toMatchObject({ enabled: true, listen: '0.0.0.0:10999', exposure: 'network', listener: { state: 'stopped' }, secretKept: true });
    expect(await ok(['onecli-compat', 'enable', '--listen', '127.0.0.1:10257', '--insecure-file-store'])).not.toMatch(/Warning/);
  });

  test('disable turns it off and keeps the secret and the agent', async () => {
    expect(await ok(['onecli-compat', 'disable', '--insecure-file-store'])).toMatch(
      /^OneCLI compatibility is off: OneCLI\.app no longer answers on 127\.0\.0\.1:10257\./,
    );
    const view = OnecliCompatView.parse(JSON.parse(await ok(['onecli-compat', 'status', '--json', '--insecure-file-store'])));
    expect(view).toMatchObject({ enabled: false, secretKept: true, agent: { allow: 'all', policy: 'allow' } });
  });

  test('the secret is printed by enable, and nowhere else', async () => {
    const secret = (JSON.parse(await ok(['onecli-compat', 'enable', '--json', '--insecure-file-store'])) as { secret: string }).secret;
    await ok(['onecli-compat', 'disable', '--insecure-file-store']);
    const printedBy = outputs.filter((o) => o.includes(secret));
    expect(printedBy.length).toBeGreaterThan(0);
    expect(printedBy.every((o) => /GATEWAY_INTERNAL_SECRET=|"secret": /.test(o))).toBe(true);
    for (const file of filesUnder(dataDir).filter((f) => !f.endsWith('secrets.json'))) expect(readFileSync(file, 'utf8'), file).not.toContain(secret);
  });
});

describe('with serve running: the listener follows at once', () => {
  let env: NodeJS.ProcessEnv;
  let serve: ServeProcess;
  let dataDir: string;
  let port: number;
  const session = cliSession(() => env);
  const { outputs } = session;
  // A store that outlives serve, so a restarted serve finds the secret (in memory it would not).
  const onecli = (args: string[]) => session.onecli([...args, '--insecure-file-store']);
  const ok = (args: string[]) => session.ok([...args, '--insecure-file-store']);

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onecli-cli-door-serve-'));
    dataDir = path.join(dir, 'data');
    env = { ...envWithoutSessionBus(), HOME: dir, ONECLI_DATA_DIR: dataDir };
    port = await freePort();
    serve = await startServe(['--port', '0', '--control-port', '0', '--insecure-file-store'], env);
  }, 30_000);
  afterAll(async () => {
    await serve?.stop();
  });

  test('enable listens at once; status shows where; disable closes it; enable again brings the same secret back', async () => {
    const out = await ok(['onecli-compat', 'enable', '--listen', `127.0.0.1:${port}`]);
    expect(out).toMatch(new RegExp(`^OneCLI compatibility is on: listening on 127\\.0\\.0\\.1:${port} \\(loopback: only this machine can connect\\)\\.`));
    const secret = /GATEWAY_INTERNAL_SECRET=(\S+)/.exec(out)![1]!;
    const url = `http://127.0.0.1:${port}`;
    expect(await validate(url, secret)).toBe(503);
    expect(await ok(['onecli-compat', 'status'])).toContain(`OneCLI door   on, listening on 127.0.0.1:${port} (loopback: only this machine can connect)`);
    await ok(['onecli-compat', 'disable']);
    expect(await validate(url, secret)).toBe('refused');
    const again = JSON.parse(await ok(['onecli-compat', 'enable', '--json'])) as { secret: string; listener: { state: string } };
    expect(again).toMatchObject({ secret, listener: { state: 'listening' } });
    expect(await validate(url, secret)).toBe(503);
  });

  test('moving it closes the old address and opens the new one', async () => {
    const secret = (JSON.parse(await ok(['onecli-compat', 'enable', '--json'])) as { secret: string }).secret;
    const next = await freePort();
    await ok(['onecli-compat', 'enable', '--listen', `127.0.0.1:${next}`]);
    expect(await validate(`http://127.0.0.1:${port}`, secret)).toBe('refused');
    expect(await validate(`http://127.0.0.1:${next}`, secret)).toBe(503);
    port = next;
  });

  test('a port already in use: enable says so and exits 3; status reports it; the launcher goes on', async () => {
    const blocker = net.createServer();
    const taken = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const r = await onecli(['onecli-compat', 'enable', '--listen', `127.0.0.1:${taken}`]);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(`OneCLI compatibility is on: not listening: 127.0.0.1:${taken} is in use by another program.`);
      const view = OnecliCompatView.parse(JSON.parse((await onecli(['onecli-compat', 'status', '--json'])).stdout));
      expect(view.listener).toEqual({ state: 'failed', reason: `127.0.0.1:${taken} is in use by another program`, errno: 'EADDRINUSE' });
      expect((await cli(['status', '--insecure-file-store'], env)).code).toBe(0);
    } finally {
      blocker.close();
    }
    await ok(['onecli-compat', 'enable', '--listen', `127.0.0.1:${port}`]);
  });

  test('a restarted serve starts the door with itself, and says where', async () => {
    const secret = (JSON.parse(await ok(['onecli-compat', 'enable', '--json'])) as { secret: string }).secret;
    await serve.stop();
    serve = await startServe(['--port', '0', '--control-port', '0', '--insecure-file-store'], env);
    expect(serve.stdout.join('\n')).toContain(`OneCLI door     http://127.0.0.1:${port}   (upstream OneCLI's INTERNAL_API_URL; onecli-compat status)`);
    expect(await validate(`http://127.0.0.1:${port}`, secret)).toBe(503);
    for (const o of outputs.filter((x) => x.includes(secret))) expect(o).toMatch(/"secret": |GATEWAY_INTERNAL_SECRET=/);
    expect(serve.stderr.join('\n')).not.toContain(secret);
    expect(readFileSync(path.join(dataDir, 'logs', 'launcher.log'), 'utf8')).not.toContain(secret);
  });
});
