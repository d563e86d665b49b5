// The real locator on a real disk: two `op` installs on the search path, each a wrapper
// around the op double with its own fixture, so each reports its own version.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { locateOp, nodeLocatorFs } from '../../src/core/vault/op-locator.js';
import { nodeExecFile } from '../../src/core/vault/op-runner.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const FAKE_OP = path.join(FIXTURES, 'fake-op.mjs');

let root: string;
let brewBin: string;
let localBin: string;
let linkBin: string;
let brokenBin: string;

/** An executable `op` in `dir` that runs the double with a fixture reporting `version`. */
function installOp(dir: string, version: string) {
  mkdirSync(dir, { recursive: true });
  const fixture = { ...JSON.parse(readFileSync(path.join(FIXTURES, 'op-fixture.json'), 'utf8')), version };
  const fixtureFile = path.join(dir, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify(fixture));
  const script = `#!/bin/sh\nFAKE_OP_FIXTURE='${fixtureFile}' exec '${process.execPath}' '${FAKE_OP}' "$@"\n`;
  writeFileSync(path.join(dir, 'op'), script, { mode: 0o755 });
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'onecli-op-locate-'));
  brewBin = path.join(root, 'homebrew', 'bin');
  localBin = path.join(root, 'local', 'bin');
  linkBin = path.join(root, 'link', 'bin');
  brokenBin = path.join(root, 'broken', 'bin');
  installOp(brewBin, '2.32.0');
  installOp(localBin, '2.24.0');
  mkdirSync(linkBin, { recursive: true });
  symlinkSync(path.join(brewBin, 'op'), path.join(linkBin, 'op')); // the same install, reached twice
  mkdirSync(brokenBin, { recursive: true });
  writeFileSync(path.join(brokenBin, 'op'), '#!/bin/sh\necho "panic: broken" >&2\nexit 2\n');
  chmodSync(path.join(brokenBin, 'op'), 0o755);
});

const deps = (pathEnv: string) => ({
  execFile: nodeExecFile,
  fs: nodeLocatorFs,
  clock: { now: () => Date.now() },
  env: { PATH: pathEnv, HOME: path.join(root, 'home') },
});
/** Only our installs: the machine may have a real `op` in /usr/bin or elsewhere. */
const ours = <T extends { path: string }>(installs: readonly T[]) => installs.filter((i) => i.path.startsWith(root));

describe('locateOp on a real search path', () => {
  test('two installs are both reported with their versions; the first on the path is used', async () => {
    const found = await locateOp(deps([brewBin, linkBin, localBin].join(':')));
    expect(ours(found.installs)).toEqual([
      { path: path.join(brewBin, 'op'), realPath: path.join(brewBin, 'op'), version: '2.32.0' },
      { path: path.join(localBin, 'op'), realPath: path.join(localBin, 'op'), version: '2.24.0' },
    ]);
    expect(found.chosen?.path).toBe(path.join(brewBin, 'op'));
    expect(found.chosenBecause).toBe('first-on-search-path');
    expect(found.searchDirs).toEqual(expect.arrayContaining(['/opt/homebrew/bin', '/usr/local/bin', '/usr/bin']));
  });

  test('an explicit --op-path wins, and a broken install is reported, not thrown', async () => {
    const found = await locateOp(deps([brokenBin, brewBin].join(':')), { explicitPath: path.join(localBin, 'op') });
    expect(found.chosen).toMatchObject({ path: path.join(localBin, 'op'), version: '2.24.0' });
    expect(ours(found.installs).map((i) => [i.path, i.version ?? 'error'])).toEqual([
      [path.join(localBin, 'op'), '2.24.0'],
      [path.join(brokenBin, 'op'), 'error'],
      [path.join(brewBin, 'op'), '2.32.0'],
    ]);
    expect(ours(found.installs)[1]?.error).toMatch(/stopped unexpectedly/);
  });

  test('the same file reached through a symlink first is reported once, under the first path', async () => {
    const found = await locateOp(deps([linkBin, brewBin].join(':')));
    expect(ours(found.installs)).toEqual([{ path: path.join(linkBin, 'op'), realPath: path.join(brewBin, 'op'), version: '2.32.0' }]);
  });
});
