import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'rooms/room-boundaries').map((m) => m.message);
}

describe('the import boundaries of design.md fail lint', () => {
  test.each([
    ['src/gateway/x.ts', "import { a } from '../core/settings.js';"],
    ['src/gateway/doors/x.ts', "import { a } from '../../main/tray.js';"],
    ['src/gateway/x.ts', "export * from '../cli/main.js';"],
    ['src/core/x.ts', "import { app } from 'electron';"],
    ['src/core/x.ts', "import { a } from '../main/index.js';"],
    ['src/core/x.ts', "const m = await import('../../renderer/app.js');"],
    ['src/shared/x.ts', "import { a } from '../gateway/gateway.js';"],
    ['renderer/src/x.ts', "import { a } from '../../src/core/settings.js';"],
    ['renderer/src/x.ts', "import { a } from '../../src/gateway/gateway.js';"],
    ['src/cli/x.ts', "import { ipcMain } from 'electron/main';"],
  ])('%s: %s', async (file, code) => {
    expect(await violations(file, code)).toHaveLength(1);
  });

  test.each([
    ['src/gateway/x.ts', "import { a } from '../shared/gateway-config.js';"],
    ['src/main/x.ts', "import { app } from 'electron';\nimport { b } from '../core/x.js';"],
    ['src/cli/x.ts', "import { b } from '../core/x.js';"],
    ['renderer/src/x.ts', "import { a } from '../../src/shared/control-api.js';"],
    ['test/unit/x.ts', "import { a } from '../../src/core/x.js';\nimport { b } from '../../src/gateway/x.js';"],
  ])('allowed: %s: %s', async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});
