import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DataDirError, dataDirProblem, inspectDataDir, secureDataDir } from '../../../src/core/data-dir-permissions.js';
import { runDoctorChecks, type DoctorFacts } from '../../../src/core/doctor/doctor-checks.js';

const me = process.getuid!();
const isRoot = me === 0;
const NOBODY = 65_534;
const mode = (p: string) => statSync(p).mode & 0o777;

function tempDir(name = 'data'): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'onecli-datadir-')), name);
}

describe('the data folder is closed to other users at start', () => {
  test('a new folder is created 0700', () => {
    const dir = tempDir('a/b/data');
    expect(secureDataDir(dir)).toEqual({ tightenedEntries: [] });
    expect(mode(dir)).toBe(0o700);
  });

  test.each(['0777', '0775', '0757', '0755', '0750', '1777'])('an existing %s folder is tightened to 0700, and says what it was', (octal) => {
    const loose = parseInt(octal, 8);
    const dir = tempDir();
    mkdirSync(dir);
    chmodSync(dir, loose);
    expect(secureDataDir(dir).tightenedFrom).toBe(loose & 0o777);
    expect(mode(dir)).toBe(0o700);
    expect(secureDataDir(dir)).toEqual({ tightenedEntries: [] }); // and then it is left alone
  });

  test('our own files that others may write lose group/other write; a symlink is never followed', () => {
    const dir = tempDir();
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    writeFileSync(path.join(dir, 'ca-bundle.pem'), 'x');
    chmodSync(path.join(dir, 'ca-bundle.pem'), 0o666);
    const outside = path.join(path.dirname(dir), 'outside');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o666);
    symlinkSync(outside, path.join(dir, 'ca.pem'));
    const r = secureDataDir(dir);
    expect(r).toEqual({ tightenedFrom: 0o777, tightenedEntries: ['ca-bundle.pem'] });
    expect(mode(path.join(dir, 'ca-bundle.pem'))).toBe(0o644);
    expect(mode(outside)).toBe(0o666);
  });

  test("a folder that is not the user's is refused, untouched, with both ways out", () => {
    const dir = tempDir();
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    // Seen as another user: the folder is owned by `me`, the caller claims to be someone else.
    const err = (() => {
      try {
        secureDataDir(dir, me + 1);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DataDirError);
    expect(err?.message).toMatch(
      new RegExp(`belongs to another user \\(uid ${me}; you are uid ${me + 1}\\).*sudo chown -R "\\$\\(id -u\\)" '.*'; otherwise pass --data-dir`),
    );
    expect(err?.message.split('\n')).toHaveLength(1);
    expect(mode(dir)).toBe(0o777); // chmod cannot make another user's folder ours: it is not touched
  });

  test('a file where the folder should be is refused', () => {
    const dir = tempDir();
    writeFileSync(dir, '');
    expect(() => secureDataDir(dir)).toThrow(/is not a folder: move that file away, or pass --data-dir/);
  });

  test.runIf(isRoot)('a real other owner (chown nobody): the folder is refused', () => {
    const dir = tempDir();
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    chownSync(dir, NOBODY, NOBODY);
    expect(() => secureDataDir(dir)).toThrow(/belongs to another user \(uid 65534; you are uid 0\)/);
  });

  test.runIf(isRoot)('an entry planted by another user while the folder was open: the folder is closed first, then start is refused', () => {
    const dir = tempDir();
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const planted = path.join(dir, 'ca-bundle.pem');
    writeFileSync(planted, '-----BEGIN CERTIFICATE-----');
    chownSync(planted, NOBODY, NOBODY);
    expect(() => secureDataDir(dir)).toThrow(/holds 1 entry another user owns \("ca-bundle\.pem"\), which may have been planted/);
    expect(mode(dir)).toBe(0o700);
  });

  test('hostile names never reach a message raw: newlines and terminal escapes are spelled out', () => {
    const dir = '/tmp/x\n\u001b[31mred\u009b';
    const problem = dataDirProblem(dir, {
      kind: 'folder',
      mode: 0o777,
      ownerUid: me,
      currentUid: me,
      foreignEntries: ['evil\r\nname', '-rf'],
      looseEntries: [],
    })!;
    const raw = /[\n\r\u009b]|\u001b/u; // eslint-disable-line no-control-regex -- looking for control characters is the point
    expect(problem).not.toMatch(raw);
    expect(problem).toContain('"/tmp/x\\u000a\\u001b[31mred\\u009b"');
    expect(problem).toContain('"evil\\u000d\\u000aname", "-rf"');
    const open = dataDirProblem(dir, { kind: 'folder', mode: 0o777, ownerUid: me, currentUid: me, foreignEntries: [], looseEntries: [] })!;
    expect(open).not.toMatch(raw);
    // A quote in a plain path stays inside the single-quoted shell word.
    expect(dataDirProblem("/tmp/it's", { kind: 'folder', mode: 0o777, ownerUid: me, currentUid: me, foreignEntries: [], looseEntries: [] })).toContain(
      `chmod 700 '/tmp/it'\\''s'`,
    );
  });
});

describe('doctor: datadir.permissions', () => {
  const facts = (inspection: DoctorFacts['dataDir']['inspection']): DoctorFacts => ({
    platform: 'linux',
    home: '/home/u',
    env: {},
    status: {
      gateway: { state: 'running', port: 1, address: '127.0.0.1:1' },
      source: { kind: 'none' },
      secretStore: { kind: 'keychain', detail: 'k' },
      settings: { file: '/d/settings.json', health: { kind: 'ok' } },
      mappings: 0,
      agents: 1,
      lastErrors: [],
      policyDenials: [],
    },
    op: { searchDirs: [], installs: [], chosenBecause: 'none' },
    canRead: () => false,
    exists: () => true,
    source: undefined,
    startedFromTerminal: true,
    dataDir: { path: '/d', inspection },
  });
  const check = (inspection: DoctorFacts['dataDir']['inspection']) => runDoctorChecks(facts(inspection)).find((c) => c.id === 'datadir.permissions');

  test('the real folder, opened to everyone after start: fail, and the fix is the chmod', () => {
    const dir = tempDir();
    secureDataDir(dir);
    expect(
      runDoctorChecks({ ...facts(inspectDataDir(dir)), dataDir: { path: dir, inspection: inspectDataDir(dir) } }).find((c) => c.id === 'datadir.permissions'),
    ).toMatchObject({ status: 'ok', detail: expect.stringMatching(/0700, owner uid \d+ \(you\); only you may write it/) });
    chmodSync(dir, 0o777);
    const c = runDoctorChecks({ ...facts(inspectDataDir(dir)), dataDir: { path: dir, inspection: inspectDataDir(dir) } }).find(
      (x) => x.id === 'datadir.permissions',
    );
    expect(c).toMatchObject({ status: 'fail', detail: expect.stringContaining('0777'), fix: expect.stringContaining(`chmod 700 '${dir}'`) });
  });

  test('another owner, planted entries, a missing folder, an unknown platform: each says what to do', () => {
    expect(check({ kind: 'folder', mode: 0o700, ownerUid: 0, currentUid: 501, foreignEntries: [], looseEntries: [] })).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/--data-dir/),
    });
    expect(check({ kind: 'folder', mode: 0o700, ownerUid: 501, currentUid: 501, foreignEntries: ['settings.json'], looseEntries: [] })).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/remove them/),
    });
    expect(check({ kind: 'folder', mode: 0o700, ownerUid: 501, currentUid: 501, foreignEntries: [], looseEntries: ['ca.pem'] })).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/chmod go-w/),
    });
    expect(check({ kind: 'missing' })).toMatchObject({ status: 'warn', fix: expect.stringMatching(/Restart the launcher/) });
    expect(check({ kind: 'not-a-folder' })).toMatchObject({ status: 'fail', fix: expect.stringMatching(/--data-dir/) });
    expect(check({ kind: 'not-checked', reason: 'no POSIX modes' })).toMatchObject({ status: 'skip', fix: expect.any(String) });
  });
});
