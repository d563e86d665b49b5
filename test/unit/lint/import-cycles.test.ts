import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

/** Lints as `npm run lint` does, but the fixture folder too (the project's lint ignores it). */
async function cycleMessages(file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root, ignore: false });
  const [result] = await eslint.lintFiles([path.join(root, file)]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-cycle').map((m) => m.message);
}

describe('import cycles fail lint', () => {
  test('two modules that import each other are reported, at both ends', async () => {
    expect(await cycleMessages('test/fixtures/lint/cycle/a.ts')).toEqual([expect.stringMatching(/cycle/i)]);
    expect(await cycleMessages('test/fixtures/lint/cycle/b.ts')).toEqual([expect.stringMatching(/cycle/i)]);
  });

  test('the core and its doctor no longer import each other', async () => {
    expect(await cycleMessages('src/core/launcher-core.ts')).toEqual([]);
    expect(await cycleMessages('src/core/doctor/doctor.ts')).toEqual([]);
  });
});
