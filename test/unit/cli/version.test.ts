import { readFileSync } from 'node:fs';
import { afterEach, expect, test, vi } from 'vitest';
import { APP_VERSION } from '../../../src/core/app-version.js';
import { main } from '../../../src/cli/main.js';
import { INTEGRATION } from '../../../src/core/vault/service-account-source.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

afterEach(() => vi.restoreAllMocks());

test('--version prints the version in package.json, the one the app is stamped with', async () => {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  expect(await main(['--version'])).toBe(0);
  expect(out.join('')).toBe(`${packageVersion}\n`);
});

test('the 1Password SDK is told the same version', () => {
  expect(APP_VERSION).toBe(packageVersion);
  expect(INTEGRATION.version).toBe(packageVersion);
});
