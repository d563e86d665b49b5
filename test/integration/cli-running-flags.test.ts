import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, startServe, type ServeProcess } from '../support/cli.js';
import { installFakeOp } from '../support/core-harness.js';
import { envWithoutSessionBus } from '../support/keychain-session.js';

/**
 * While `serve` runs, CLI commands go to it, and it keeps the options it started with. Flags only
 * a local run would honour are refused (exit 2, one line: why, and what to do) unless the running
 * launcher already uses the same; the doctor says when it reports the launcher's PATH, not the
 * caller's. With no launcher running the same flags are honoured.
 */

const VALUE = 'sk-running-flags-SECRET-0a1b2c3d4e5f';
let dir: string;
let env: NodeJS.ProcessEnv;
let opPath: string;
let serve: ServeProcess | undefined;
const outputs: string[] = [];

async function onecli(args: string[], over: NodeJS.ProcessEnv = {}, input?: string) {
  const r = await cli(args, { ...env, ...over }, input);
  outputs.push(r.stdout, r.stderr);
  return r;
}

function expectRefused(r: { code: number; stderr: string; stdout: string }, line: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(line);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-running-flags-'));
  opPath = installFakeOp(dir).opPath;
  env = { ...envWithoutSessionBus(), HOME: dir, ONECLI_DATA_DIR: path.join(dir, 'data') };
  serve = await startServe(['--port', '0', '--control-port', '0', '--op-path', opPath], env);
});
afterAll(async () => {
  await serve?.stop();
});

describe('while serve runs', () => {
  test('--op-path other than the one it runs with: refused, exit 2, one line naming the restart', async () => {
    expectRefused(
      await onecli(['status', '--op-path', '/nope/op']),
      new RegExp(
        `^onecli-launcher: --op-path is ignored by the running launcher \\(pid ${serve!.child.pid}\\), which uses ${opPath.replace(/[.]/g, '\\.')}: restart it with \`onecli-launcher serve --op-path '/nope/op'\`, or stop it to run this command on its own\\.$`,
      ),
    );
    expect((await onecli(['status', '--op-path', opPath])).code).toBe(0); // the same: honoured
  });

  test('--extra-ca, --port and --insecure-file-store the running launcher does not have: refused before anything is sent', async () => {
    expectRefused(
      await onecli(['mappings', 'list', '--extra-ca', '/etc/corp-ca.pem']),
      /--extra-ca is ignored by the running launcher \(pid \d+\), which trusts no extra CA: restart it with `onecli-launcher serve --extra-ca '\/etc\/corp-ca\.pem'`/,
    );
    expectRefused(
      await onecli(['env', '--port', '1']),
      new RegExp(`--port 1 is ignored by the running launcher \\(pid \\d+\\), whose gateway listens on ${serve!.gatewayPort}`),
    );
    expect((await onecli(['env', '--port', String(serve!.gatewayPort)])).code).toBe(0);
    // No keychain here, so the running launcher keeps secrets in memory: the secret must not be stored, and the user must hear why.
    const stored = await onecli(['secrets', 'set', 'k', '-', '--insecure-file-store'], {}, VALUE);
    expectRefused(
      stored,
      /--insecure-file-store is ignored by the running launcher \(pid \d+\), which keeps secrets in memory for its run \(no keychain\): restart it with `onecli-launcher serve --insecure-file-store`/,
    );
    expect((await onecli(['secrets', 'remove', 'k'])).stdout).toBe('No local://k.\n');
    expect(readdirSync(path.join(dir, 'data')).some((f) => f.includes('secret'))).toBe(false);
  });

  test("NODE_EXTRA_CA_CERTS in the caller's shell is not a flag: commands still run", async () => {
    expect((await onecli(['status'], { NODE_EXTRA_CA_CERTS: '/etc/some-ca.pem' })).code).toBe(0);
  });

  test('--control-port outside serve is refused (it never did anything there)', async () => {
    expectRefused(await onecli(['status', '--control-port', '1234']), /--control-port is for serve only/);
  });

  test('hostile flag values come back on one line, spelled out; an ambiguous leading dash is a usage error', async () => {
    const r = await onecli(['status', '--op-path', '/tmp/a\nb\u001b[2J']);
    expectRefused(r, /--op-path "\/tmp\/a\\u000ab\\u001b\[2J"/);
    expectRefused(await onecli(['status', '--op-path=-rf']), /--op-path is ignored .*--op-path '-rf'/);
    const dash = await onecli(['status', '--op-path', '-rf']);
    expect(dash.code).toBe(2);
    expect(dash.stderr).toMatch(/see onecli-launcher --help/);
  });

  test("doctor: the running launcher's checks, and a plain line when its PATH is not the caller's", async () => {
    const samePath = await onecli(['doctor', '--json']);
    expect(samePath.stderr).not.toMatch(/These checks ran in the running launcher/);
    const bin = path.join(dir, 'caller-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'README'), 'a PATH entry only the caller has');
    const otherPath = await onecli(['doctor', '--json'], { PATH: `${bin}:${env.PATH}` });
    expect(otherPath.stderr).toMatch(
      new RegExp(
        `^onecli-launcher: These checks ran in the running launcher \\(pid ${serve!.child.pid}\\), with its own PATH, which is not yours: op, node, curl and python3 are the ones it finds\\. To check your own PATH, stop it`,
        'm',
      ),
    );
    const checks = JSON.parse(otherPath.stdout) as { id: string; status: string; detail: string; fix?: string }[];
    expect(checks.find((c) => c.id === 'op.installed')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`using ${opPath}`) }); // the launcher's --op-path
    for (const c of checks) if (c.status !== 'ok') expect(c.fix, c.id).toBeTruthy();
  });
});

describe('with no launcher running, the same flags are honoured', () => {
  test('serve stops; doctor --op-path to a missing file: op.installed fails and says how to fix --op-path', async () => {
    expect(await serve!.stop()).toBe(0);
    serve = undefined;
    const r = await onecli(['doctor', '--json', '--op-path', '/nope/op']);
    const checks = JSON.parse(r.stdout) as { id: string; status: string; fix?: string }[];
    expect(checks.find((c) => c.id === 'op.installed')).toMatchObject({
      status: expect.stringMatching(/fail|skip/),
      fix: expect.stringMatching(/^--op-path \/nope\/op: no executable file at this path\. Pass the absolute path of an installed op/),
    });
    for (const c of checks) if (c.status !== 'ok') expect(c.fix, c.id).toBeTruthy();
    expect(r.stderr).not.toMatch(/These checks ran in the running launcher/);
    expect((await onecli(['status', '--op-path', '/nope/op'])).code).toBe(0);
  });

  test('nothing printed holds the secret', () => {
    expect(outputs.join('\n')).not.toContain(VALUE);
    expect(readFileSync(path.join(dir, 'data', 'settings.json'), 'utf8')).not.toContain(VALUE);
  });
});
