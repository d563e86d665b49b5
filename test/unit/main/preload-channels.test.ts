import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { IPC } from '../../../src/shared/ipc-channels.js';
import { loadPreload } from '../../support/preload-bridge.js';

const PRELOAD = path.resolve(import.meta.dirname, '../../../src/main/preload.cts');

describe('the preload and the shared IPC channel names', () => {
  test('the list the preload repeats (it cannot import our ESM) is the shared one', () => {
    const literal = /const IPC = (\{[^}]*\}) as const;/.exec(readFileSync(PRELOAD, 'utf8'))?.[1];
    expect(literal).toBeDefined();
    const repeated = Object.fromEntries([...literal!.matchAll(/(\w+): '([^']*)'/g)].map((m) => [m[1], m[2]]));
    expect(repeated).toEqual(IPC);
  });

  test('a failed call reaches the page as data with its code, message and remedy, not a thrown string', async () => {
    const reply = { ok: false, error: { code: 'auth_required', message: 'No 1Password source is connected.', remedy: 'connect-1password' } };
    const invoked: string[] = [];
    const bridge = loadPreload({
      invoke: async (channel) => (invoked.push(channel), reply),
      on: () => undefined,
      removeListener: () => undefined,
      send: () => undefined,
    });
    expect(await bridge.call('picker.vaults', {})).toEqual(reply);
    expect(invoked).toEqual([IPC.call]);
  });
});
