import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { httpTransport } from '../../src/cli/control-client.js';
import { RuntimeInfo } from '../../src/core/runtime-file.js';
import { cli, startServe, type ServeProcess } from '../support/cli.js';
import { envWithoutSessionBus } from '../support/keychain-session.js';

/**
 * The data folder holds the CA bundle agents trust and runtime.json (where the CLI sends its
 * control token). The real CLI, on a real `chmod 0777` folder: closed at start, reported by the
 * doctor, and refused when it is another user's.
 */

let root: string;
let serve: ServeProcess | undefined;
const mode = (p: string) => statSync(p).mode & 0o777;
const envFor = (dataDir: string) => ({ ...envWithoutSessionBus(), HOME: root, ONECLI_DATA_DIR: dataDir });

function looseDir(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'onecli-datadir-cli-'));
});
afterAll(async () => {
  await serve?.stop();
});

test('a 0777 data folder is closed to 0700 by the first command, which says so on stderr', async () => {
  const dataDir = looseDir('cmd');
  const r = await cli(['status', '--json'], envFor(dataDir));
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/warning: the data folder was open to other users; it is now closed to them .*"was":"0777","now":"0700"/);
  expect(mode(dataDir)).toBe(0o700);
  const doctor = await cli(['doctor', '--json'], envFor(dataDir));
  const check = (JSON.parse(doctor.stdout) as { id: string; status: string; detail: string }[]).find((c) => c.id === 'datadir.permissions');
  expect(check).toMatchObject({ status: 'ok', detail: expect.stringContaining('0700') });
});

test('serve closes a 0777 folder before it writes the CA files; opened again while it runs, its doctor says what to do', async () => {
  const dataDir = looseDir('serve');
  serve = await startServe(['--port', '0', '--control-port', '0'], envFor(dataDir));
  // serve's stderr is its log: one JSON record per line.
  const records = serve.stderr.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; msg?: string; was?: string });
  expect(records).toContainEqual(
    expect.objectContaining({ level: 'warn', msg: 'the data folder was open to other users; it is now closed to them', was: '0777' }),
  );
  expect(mode(dataDir)).toBe(0o700);
  for (const file of ['ca.pem', 'ca-bundle.pem', 'runtime.json']) expect(statSync(path.join(dataDir, file)).mode & 0o022).toBe(0);

  chmodSync(dataDir, 0o777);
  // No keychain here, so the control token is in the 0600 runtime file.
  const info = RuntimeInfo.parse(JSON.parse(readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')));
  const [check] = await httpTransport(info.controlUrl, info.controlToken!).call('doctor.run', { only: ['datadir.'] });
  expect(check).toMatchObject({
    id: 'datadir.permissions',
    status: 'fail',
    detail: expect.stringContaining('0777'),
    fix: `The data folder ${dataDir} is 0777, open to other users: chmod 700 '${dataDir}' (the launcher also does this at every start).`,
  });

  // Any CLI command closes it again before it trusts runtime.json.
  const status = await cli(['status', '--json'], envFor(dataDir));
  expect(status.code).toBe(0);
  expect(status.stderr).toMatch(/"was":"0777"/);
  expect(mode(dataDir)).toBe(0o700);
  expect(await serve.stop()).toBe(0);
  serve = undefined;
});

test.runIf(process.getuid?.() === 0)("another user's data folder: every command refuses with one line that names both fixes, exit 1", async () => {
  const dataDir = looseDir('foreign');
  chownSync(dataDir, 65_534, 65_534);
  for (const args of [['status'], ['env'], ['doctor'], ['serve', '--port', '0', '--control-port', '0']]) {
    const r = await cli(args, envFor(dataDir));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/belongs to another user \(uid 65534; you are uid 0\).*sudo chown -R .*otherwise pass --data-dir/);
  }
  expect(mode(dataDir)).toBe(0o777); // not ours to change
});
