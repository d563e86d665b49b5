import { describe, expect, test } from 'vitest';
import { locateOp, type OpLocatorDeps } from '../../../src/core/vault/op-locator.js';
import type { ExecFileFn } from '../../../src/core/vault/op-runner.js';
import { opSearchDirs } from '../../../src/core/vault/op-search-path.js';

/** A fake disk: executable files, symlinks (link → target) and what each `op --version` does. */
function fakeInstalls(spec: { files: Record<string, string | Error>; links?: Record<string, string> }) {
  const links = spec.links ?? {};
  const real = (p: string) => links[p] ?? p;
  const versionCalls: { file: string; timeout: number }[] = [];
  const execFile: ExecFileFn = (file, args, options) => {
    versionCalls.push({ file, timeout: options.timeout });
    expect(args).toEqual(['--version']);
    const answer = spec.files[real(file)];
    if (answer === undefined) return Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
    if (answer instanceof Error) return Promise.reject(answer);
    return Promise.resolve({ stdout: answer, stderr: '' });
  };
  const deps = (env: Record<string, string>): OpLocatorDeps => ({
    env,
    execFile,
    clock: { now: () => 0 },
    fs: {
      realpath: async (p) => real(p),
      isExecutableFile: async (p) => real(p) in spec.files,
    },
  });
  return { deps, versionCalls };
}

describe('opSearchDirs', () => {
  test("a GUI app's bare PATH is extended with the Homebrew, system, snap and home folders", () => {
    expect(opSearchDirs('/usr/bin:/bin:/usr/sbin:/sbin', '/Users/dev')).toEqual([
      '/usr/bin',
      '/bin',
      '/usr/sbin',
      '/sbin',
      '/opt/homebrew/bin',
      '/usr/local/bin',
      '/snap/bin',
      '/Users/dev/.local/bin',
      '/Users/dev/bin',
    ]);
  });

  test('relative and empty PATH entries are dropped, trailing slashes do not defeat de-duplication; a missing PATH still yields the install folders', () => {
    expect(opSearchDirs('.:bin::/custom/bin/:/usr/bin/', undefined)).toEqual([
      '/custom/bin',
      '/usr/bin',
      '/opt/homebrew/bin',
      '/usr/local/bin',
      '/bin',
      '/snap/bin',
    ]);
    expect(opSearchDirs(undefined, 'relative-home')).toEqual(['/opt/homebrew/bin', '/usr/local/bin', '/usr/bin', '/bin', '/snap/bin']);
  });
});

describe('locateOp', () => {
  test('reports every install with its version; the first on the search path is used', async () => {
    const { deps } = fakeInstalls({ files: { '/usr/local/bin/op': '2.30.0\n', '/usr/bin/op': '2.32.0\n' } });
    const found = await locateOp(deps({ PATH: '/usr/bin:/bin' }));
    expect(found.installs).toEqual([
      { path: '/usr/bin/op', realPath: '/usr/bin/op', version: '2.32.0' },
      { path: '/usr/local/bin/op', realPath: '/usr/local/bin/op', version: '2.30.0' },
    ]);
    expect(found.chosen?.path).toBe('/usr/bin/op');
    expect(found.chosenBecause).toBe('first-on-search-path');
  });

  test('the same file reached twice (a symlink, merged /bin) is reported once', async () => {
    const { deps } = fakeInstalls({
      files: { '/opt/homebrew/Caskroom/1password-cli/2.32.0/op': '2.32.0\n' },
      links: {
        '/opt/homebrew/bin/op': '/opt/homebrew/Caskroom/1password-cli/2.32.0/op',
        '/usr/local/bin/op': '/opt/homebrew/Caskroom/1password-cli/2.32.0/op',
      },
    });
    const found = await locateOp(deps({ PATH: '/usr/bin' }));
    expect(found.installs).toEqual([{ path: '/opt/homebrew/bin/op', realPath: '/opt/homebrew/Caskroom/1password-cli/2.32.0/op', version: '2.32.0' }]);
  });

  test('an explicit --op-path wins even over a working op earlier on the path', async () => {
    const { deps } = fakeInstalls({ files: { '/usr/bin/op': '2.32.0\n', '/tools/op': '2.18.0\n' } });
    const found = await locateOp(deps({ PATH: '/usr/bin' }), { explicitPath: '/tools/op' });
    expect(found.chosenBecause).toBe('explicit');
    expect(found.chosen).toEqual({ path: '/tools/op', realPath: '/tools/op', version: '2.18.0' });
    expect(found.installs.map((i) => i.path)).toEqual(['/tools/op', '/usr/bin/op']);
  });

  test('a broken explicit path is still chosen, with the reason, so the user sees it', async () => {
    const { deps } = fakeInstalls({ files: { '/usr/bin/op': '2.32.0\n' } });
    const missing = await locateOp(deps({ PATH: '/usr/bin' }), { explicitPath: '/nope/op' });
    expect(missing.chosen).toEqual({ path: '/nope/op', realPath: '/nope/op', error: 'no executable file at this path' });
    const relative = await locateOp(deps({ PATH: '/usr/bin' }), { explicitPath: 'op' });
    expect(relative.chosen?.error).toMatch(/absolute path/);
  });

  test('a failing or odd --version is reported per install, not thrown', async () => {
    const crash = Object.assign(new Error('exit 2'), { code: 2, stderr: 'panic: boom\n' });
    const { deps, versionCalls } = fakeInstalls({ files: { '/usr/bin/op': crash, '/usr/local/bin/op': 'hello\n' } });
    const found = await locateOp(deps({ PATH: '' }), { versionTimeoutMs: 1_234 });
    expect(found.installs).toEqual([
      { path: '/usr/local/bin/op', realPath: '/usr/local/bin/op', error: '`op --version` printed something that is not a version' },
      { path: '/usr/bin/op', realPath: '/usr/bin/op', error: expect.stringMatching(/stopped unexpectedly/) },
    ]);
    expect(versionCalls.every((c) => c.timeout === 1_234)).toBe(true);
  });

  test('no op anywhere → nothing chosen', async () => {
    const { deps } = fakeInstalls({ files: {} });
    expect(await locateOp(deps({ PATH: '/usr/bin' }))).toMatchObject({ installs: [], chosen: undefined, chosenBecause: 'none' });
  });
});
