import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkRequirement, compareWithPrevious, parseDesignatedRequirement } from '../../../build/check-designated-requirement.js';
import { APP_ID } from '../../../src/shared/product.js';
import { ROOT } from './builder-config.js';

const recorded = (name: string) => parseDesignatedRequirement(readFileSync(path.join(ROOT, 'test/fixtures/codesign', name), 'utf8'));
const ours = { appId: APP_ID, teamId: 'K7QH3MR9X2' };

describe('parsing codesign -d -r-', () => {
  test('a Developer ID DR: identifier, team, Apple anchor, both Developer ID markers', () => {
    const parsed = recorded('dr-developer-id.txt');
    expect(parsed).toMatchObject({
      ok: true,
      dr: {
        identifier: 'sh.onecli.launcher',
        teamId: 'K7QH3MR9X2',
        implicit: false,
        cdhash: false,
        anchorAppleGeneric: true,
        developerIdCa: true,
        developerIdApplication: true,
      },
    });
  });

  test('a quoted Team ID (one that starts with a digit) reads the same', () => {
    expect(recorded('dr-wrong-team.txt')).toMatchObject({ ok: true, dr: { teamId: '2ZX8WY7V6U' } });
  });

  test('an ad-hoc DR is an implicit cdhash', () => {
    expect(recorded('dr-adhoc.txt')).toMatchObject({ ok: true, dr: { cdhash: true, implicit: true, identifier: undefined } });
  });

  test('an unsigned app, and output without a DR line, are errors', () => {
    expect(recorded('dr-unsigned.txt')).toEqual({ ok: false, error: 'the app is not signed at all' });
    expect(parseDesignatedRequirement('Executable=/x/OneCLI.app/Contents/MacOS/OneCLI\n')).toMatchObject({ ok: false });
  });
});

describe('the DR of a release build', () => {
  test('our identifier and team under Developer ID pass', () => {
    expect(checkRequirement(recorded('dr-developer-id.txt'), ours).problems).toEqual([]);
  });

  test('ad-hoc fails and says the grant would not survive an update', () => {
    const { problems } = checkRequirement(recorded('dr-adhoc.txt'), ours);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/cdhash.*ad-hoc or linker-signed.*every update would lose the user's Full Disk Access grant/s);
  });

  test('a cdhash DR printed without the "#" is refused the same way', () => {
    const parsed = parseDesignatedRequirement('designated => cdhash H"4f1c5a0de2b7c9318e6a1f0b7d2c4e9a5b3f8d61"\n');
    expect(checkRequirement(parsed, ours).problems).toEqual([expect.stringMatching(/^the DR is a cdhash/)]);
  });

  test('another team fails, naming both teams', () => {
    expect(checkRequirement(recorded('dr-wrong-team.txt'), ours).problems).toEqual([expect.stringContaining('Team ID 2ZX8WY7V6U, expected K7QH3MR9X2')]);
  });

  test('an Apple Development certificate fails: no Developer ID markers, no team in the DR', () => {
    const { problems } = checkRequirement(recorded('dr-apple-development.txt'), ours);
    expect(problems).toEqual([expect.stringContaining('lacks the Developer ID markers'), expect.stringContaining('Team ID (none), expected K7QH3MR9X2')]);
  });

  test('another identifier fails, pointing at APP_ID', () => {
    const text = readFileSync(path.join(ROOT, 'test/fixtures/codesign/dr-developer-id.txt'), 'utf8').replace('sh.onecli.launcher', 'sh.onecli.app');
    expect(checkRequirement(parseDesignatedRequirement(text), ours).problems).toEqual([
      expect.stringContaining('identifier "sh.onecli.app", expected "sh.onecli.launcher" (APP_ID'),
    ]);
  });

  test('the unsigned app fails, and a malformed expected team is caught before anything else', () => {
    expect(checkRequirement(recorded('dr-unsigned.txt'), ours).problems).toEqual(['the app is not signed at all']);
    expect(checkRequirement(recorded('dr-developer-id.txt'), { appId: APP_ID, teamId: '' }).problems).toEqual([expect.stringContaining('set APPLE_TEAM_ID')]);
  });
});

describe('compared with the previous release', () => {
  test('same identifier and team: nothing lost', () => {
    expect(compareWithPrevious(recorded('dr-developer-id.txt'), recorded('dr-developer-id.txt'))).toEqual({ problems: [], notes: [] });
  });

  test('a new team fails with a message that says the grant would be lost', () => {
    const { problems } = compareWithPrevious(recorded('dr-wrong-team.txt'), recorded('dr-developer-id.txt'));
    expect(problems).toEqual([
      expect.stringMatching(/Team ID changed from K7QH3MR9X2 to 2ZX8WY7V6U: every user upgrading .* would lose their Full Disk Access grant/),
    ]);
  });

  test('a new identifier fails the same way', () => {
    const text = readFileSync(path.join(ROOT, 'test/fixtures/codesign/dr-developer-id.txt'), 'utf8').replace('sh.onecli.launcher', 'sh.onecli.app');
    expect(compareWithPrevious(parseDesignatedRequirement(text), recorded('dr-developer-id.txt')).problems).toEqual([
      expect.stringMatching(/^identifier changed .*Full Disk Access grant/),
    ]);
  });

  test('an ad-hoc build after a Developer ID release fails', () => {
    const { problems } = compareWithPrevious(recorded('dr-adhoc.txt'), recorded('dr-developer-id.txt'));
    expect(problems).toContainEqual(expect.stringContaining('the new build is ad-hoc'));
  });

  test('after an ad-hoc previous release there is nothing to keep: a warning, not a failure', () => {
    const result = compareWithPrevious(recorded('dr-developer-id.txt'), recorded('dr-adhoc.txt'));
    expect(result.problems).toEqual([]);
    expect(result.notes).toEqual([expect.stringMatching(/^warning: the previous release was ad-hoc/)]);
  });

  test('same identity but a different DR text is flagged for the manual upgrade test', () => {
    const reordered = parseDesignatedRequirement(
      'designated => anchor apple generic and identifier "sh.onecli.launcher" and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = K7QH3MR9X2',
    );
    const result = compareWithPrevious(reordered, recorded('dr-developer-id.txt'));
    expect(result.problems).toEqual([]);
    expect(result.notes).toEqual([expect.stringMatching(/^warning: the DR text changed with the same identifier and team/)]);
  });
});
