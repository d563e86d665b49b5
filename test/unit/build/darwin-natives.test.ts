import { expect, test } from 'vitest';
import { darwinNativePackages, missingDarwinNatives, readLockPackages, type LockEntry } from '../../../build/fetch-darwin-natives.js';
import { ROOT } from './builder-config.js';

const lock: Record<string, LockEntry> = {
  '': { name: 'onecli-launcher', version: '0.1.0' },
  'node_modules/@napi-rs/keyring': { version: '2.1.2', integrity: 'sha512-k' },
  'node_modules/@napi-rs/keyring-darwin-arm64': { version: '2.1.2', integrity: 'sha512-a', os: ['darwin'], cpu: ['arm64'] },
  'node_modules/@napi-rs/keyring-darwin-x64': { version: '2.1.2', integrity: 'sha512-b', os: ['darwin'], cpu: ['x64'] },
  'node_modules/@napi-rs/keyring-linux-x64-gnu': { version: '2.1.2', integrity: 'sha512-c', os: ['linux'], cpu: ['x64'] },
  // Build tools: their darwin binaries never ship.
  'node_modules/@rolldown/binding-darwin-x64': { version: '1.0.0', integrity: 'sha512-d', os: ['darwin'], cpu: ['x64'], dev: true },
  'node_modules/fsevents': { version: '2.3.3', integrity: 'sha512-e', os: ['darwin'], devOptional: true },
  'node_modules/some-lib/node_modules/nested-darwin-x64': { name: 'nested-darwin-x64', version: '3.0.0', integrity: 'sha512-f', os: ['darwin'], cpu: ['x64'] },
};

test('picks the production packages built for macOS on that architecture, nested ones included', () => {
  expect(darwinNativePackages(lock, 'x64')).toEqual([
    { installPath: 'node_modules/@napi-rs/keyring-darwin-x64', name: '@napi-rs/keyring-darwin-x64', version: '2.1.2', integrity: 'sha512-b', arch: 'x64' },
    { installPath: 'node_modules/some-lib/node_modules/nested-darwin-x64', name: 'nested-darwin-x64', version: '3.0.0', integrity: 'sha512-f', arch: 'x64' },
  ]);
  expect(darwinNativePackages(lock, 'arm64').map((p) => p.name)).toEqual(['@napi-rs/keyring-darwin-arm64']);
});

test('on an Apple-silicon runner after npm ci, only the x64 packages are missing', () => {
  const installed = new Set(['node_modules/@napi-rs/keyring-darwin-arm64']);
  expect(missingDarwinNatives(lock, ['arm64', 'x64'], (p) => installed.has(p)).map((p) => p.installPath)).toEqual([
    'node_modules/@napi-rs/keyring-darwin-x64',
    'node_modules/some-lib/node_modules/nested-darwin-x64',
  ]);
});

test('this repository’s lockfile pins both keychain bindings, with integrity', () => {
  const lockPackages = readLockPackages(ROOT);
  for (const arch of ['arm64', 'x64'] as const) {
    const found = darwinNativePackages(lockPackages, arch);
    expect(found.map((p) => p.name)).toContain(`@napi-rs/keyring-darwin-${arch}`);
    for (const p of found) expect(p.integrity).toMatch(/^sha512-/);
  }
});
