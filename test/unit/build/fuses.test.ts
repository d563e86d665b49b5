import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkFuses, FUSE_POLICY, fuseName, parseFuseRead } from '../../../build/check-fuses.js';
import { ROOT } from './builder-config.js';

const recorded = (name: string) => parseFuseRead(readFileSync(path.join(ROOT, 'test/fixtures/codesign', name), 'utf8'));

describe('@electron/fuses read output', () => {
  test('coloured output (chalk colours it on GitHub Actions) parses like plain text', () => {
    const read = recorded('fuses-read-release.txt');
    expect(read.version).toBe('1');
    expect(read.fuses).toEqual([
      { name: 'RunAsNode', state: 'Disabled' },
      { name: 'EnableCookieEncryption', state: 'Enabled' },
      { name: 'EnableNodeOptionsEnvironmentVariable', state: 'Disabled' },
      { name: 'EnableNodeCliInspectArguments', state: 'Disabled' },
      { name: 'EnableEmbeddedAsarIntegrityValidation', state: 'Enabled' },
      { name: 'OnlyLoadAppFromAsar', state: 'Enabled' },
      { name: 'LoadBrowserProcessSpecificV8Snapshot', state: 'Disabled' },
      { name: 'GrantFileProtocolExtraPrivileges', state: 'Disabled' },
    ]);
  });

  test('config keys map to the names @electron/fuses prints', () => {
    expect(Object.keys(FUSE_POLICY).map(fuseName)).toEqual(recorded('fuses-read-release.txt').fuses.map((f) => f.name));
  });
});

describe('the fuses of a packaged app against the policy', () => {
  test('the wire electron-builder flipped from electron-builder.yml passes', () => {
    expect(checkFuses(recorded('fuses-read-release.txt')).problems).toEqual([]);
  });

  test('Electron’s defaults (fuses never flipped) fail on every fuse that differs', () => {
    expect(checkFuses(recorded('fuses-read-default.txt')).problems).toEqual([
      'RunAsNode is Enabled, expected Disabled',
      'EnableCookieEncryption is Disabled, expected Enabled',
      'EnableNodeOptionsEnvironmentVariable is Enabled, expected Disabled',
      'EnableNodeCliInspectArguments is Enabled, expected Disabled',
      'EnableEmbeddedAsarIntegrityValidation is Disabled, expected Enabled',
      'OnlyLoadAppFromAsar is Disabled, expected Enabled',
      'GrantFileProtocolExtraPrivileges is Enabled, expected Disabled',
    ]);
  });

  test('a fuse this @electron/fuses cannot name is a warning, not a failure', () => {
    const result = checkFuses(recorded('fuses-read-unnamed-fuse.txt'));
    expect(result.problems).toEqual([]);
    expect(result.notes).toContainEqual(expect.stringMatching(/^warning: fuse #8 \(unnamed by this @electron\/fuses\) is Enabled and is not in the policy/));
  });

  test('a fuse missing from a shorter wire, or no fuses at all, fails', () => {
    const short = readFileSync(path.join(ROOT, 'test/fixtures/codesign/fuses-read-release.txt'), 'utf8')
      .split('\n')
      .filter((l) => !l.includes('GrantFileProtocolExtraPrivileges'))
      .join('\n');
    expect(checkFuses(parseFuseRead(short)).problems).toEqual(['GrantFileProtocolExtraPrivileges is missing from the fuse wire (expected Disabled)']);
    expect(checkFuses(parseFuseRead('Error: Could not find sentinel in the provided Electron binary')).problems).toEqual([
      expect.stringMatching(/^no fuse states found/),
    ]);
  });

  test('a fuse Electron marks Removed is a warning to review the policy', () => {
    const removed = readFileSync(path.join(ROOT, 'test/fixtures/codesign/fuses-read-release.txt'), 'utf8').replace(
      /(LoadBrowserProcessSpecificV8Snapshot.*?is .*?)Disabled/,
      '$1Removed',
    );
    const result = checkFuses(parseFuseRead(removed));
    expect(result.problems).toEqual([]);
    expect(result.notes).toContainEqual(expect.stringMatching(/^warning: LoadBrowserProcessSpecificV8Snapshot is marked Removed/));
  });
});
