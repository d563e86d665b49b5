import { describe, expect, test } from 'vitest';
import { checkBundleLayout, REQUIRED_IN_ASAR, TRAY_ICONS, type BundleSnapshot } from '../../../build/check-bundle-layout.js';
import type { NativePackage } from '../../../build/fetch-darwin-natives.js';

const keyring = (arch: 'arm64' | 'x64'): NativePackage => ({
  installPath: `node_modules/@napi-rs/keyring-darwin-${arch}`,
  name: `@napi-rs/keyring-darwin-${arch}`,
  version: '2.1.2',
  integrity: 'sha512-x',
  arch,
});
const WASM = 'node_modules/@1password/sdk-core/nodejs/core_bg.wasm';
const ARM64_NODE = 'node_modules/@napi-rs/keyring-darwin-arm64/keyring.darwin-arm64.node';
const X64_NODE = 'node_modules/@napi-rs/keyring-darwin-x64/keyring.darwin-x64.node';

/** A constructed x64 OneCLI.app as electron-builder lays it out (the entries match a real --dir build's app.asar). */
function goodX64(): BundleSnapshot {
  return {
    asarFiles: new Set([...REQUIRED_IN_ASAR, 'dist/core/open-core.js', 'node_modules/@1password/sdk-core/nodejs/core.js', WASM, ARM64_NODE, X64_NODE]),
    unpackedFiles: new Set([WASM, ARM64_NODE, X64_NODE, 'node_modules/@napi-rs/keyring-darwin-x64/package.json']),
    trayFiles: new Set(TRAY_ICONS),
    infoPlist: {
      CFBundleIdentifier: 'sh.onecli.launcher',
      CFBundleExecutable: 'OneCLI',
      LSUIElement: true,
      ElectronAsarIntegrity: { 'Resources/app.asar': { algorithm: 'SHA256', hash: '5f1e…' } },
    },
    appUpdateYml: 'owner: onecli\nrepo: onecli-launcher\nprovider: github\nupdaterCacheDirName: onecli-launcher-updater\n',
    machOArchs: { 'Contents/MacOS/OneCLI': ['x86_64'], [ARM64_NODE]: ['arm64'], [X64_NODE]: ['x86_64'] },
  };
}

describe('the layout of a packaged app', () => {
  test('a complete x64 app passes', () => {
    expect(checkBundleLayout(goodX64(), 'x64', [keyring('x64')]).problems).toEqual([]);
  });

  test('an x64 app without its x64 keychain binding fails and says how to fix it', () => {
    const s = goodX64();
    const unpacked = new Set([...s.unpackedFiles].filter((f) => !f.includes('darwin-x64')));
    expect(
      checkBundleLayout({ ...s, unpackedFiles: unpacked, asarFiles: new Set([...s.asarFiles].filter((f) => f !== X64_NODE)) }, 'x64', [keyring('x64')])
        .problems,
    ).toEqual(['@napi-rs/keyring-darwin-x64@2.1.2 (the x64 binary) is not in app.asar.unpacked: run build/fetch-darwin-natives.ts before electron-builder']);
  });

  test('a binding built for the other architecture fails', () => {
    const s = goodX64();
    expect(checkBundleLayout({ ...s, machOArchs: { ...s.machOArchs, [X64_NODE]: ['arm64'] } }, 'x64', [keyring('x64')]).problems).toEqual([
      `${X64_NODE} is built for arm64, not x86_64`,
    ]);
  });

  test('the WASM packed inside app.asar fails (asarUnpack)', () => {
    const s = goodX64();
    expect(checkBundleLayout({ ...s, unpackedFiles: new Set([...s.unpackedFiles].filter((f) => f !== WASM)) }, 'x64', [keyring('x64')]).problems).toEqual([
      `${WASM} is packed inside app.asar; native code and WASM must be unpacked (asarUnpack)`,
    ]);
  });

  test('a missing gateway or renderer fails, by path', () => {
    const s = goodX64();
    const asar = new Set([...s.asarFiles].filter((f) => f !== 'dist/gateway/main.js' && f !== 'dist/renderer/index.html'));
    expect(checkBundleLayout({ ...s, asarFiles: asar }, 'x64', [keyring('x64')]).problems).toEqual([
      'app.asar lacks dist/gateway/main.js',
      'app.asar lacks dist/renderer/index.html',
    ]);
  });

  test('Info.plist: wrong identifier, no LSUIElement, no asar integrity hash all fail', () => {
    const s = goodX64();
    const problems = checkBundleLayout({ ...s, infoPlist: { CFBundleIdentifier: 'com.github.Electron', CFBundleExecutable: 'OneCLI' } }, 'x64', [
      keyring('x64'),
    ]).problems;
    expect(problems).toEqual([
      'CFBundleIdentifier is "com.github.Electron", expected sh.onecli.launcher',
      'LSUIElement is undefined, expected true (a menu-bar app with no Dock icon)',
      expect.stringContaining('no ElectronAsarIntegrity entry'),
    ]);
  });

  test('missing tray icons, a missing update feed and a main executable for the wrong architecture fail', () => {
    const s = goodX64();
    const problems = checkBundleLayout(
      { ...s, trayFiles: new Set(TRAY_ICONS.slice(1)), appUpdateYml: undefined, machOArchs: { ...s.machOArchs, 'Contents/MacOS/OneCLI': ['arm64'] } },
      'x64',
      [keyring('x64')],
    ).problems;
    expect(problems).toEqual([
      'Contents/MacOS/OneCLI is built for arm64, not x86_64',
      `Resources/tray/${TRAY_ICONS[0]} is missing (extraResources)`,
      'Resources/app-update.yml is missing: electron-updater would have no feed',
    ]);
  });

  test('a feed that is not GitHub fails', () => {
    expect(checkBundleLayout({ ...goodX64(), appUpdateYml: 'provider: generic\nurl: http://example.test\n' }, 'x64', [keyring('x64')]).problems).toEqual([
      expect.stringMatching(/^app-update\.yml does not name a GitHub feed/),
    ]);
  });
});
