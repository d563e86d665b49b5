import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, test } from 'vitest';
import { REQUIRED_IN_ASAR } from '../../../build/check-bundle-layout.js';
import { FORBIDDEN_ENTITLEMENTS, ENTITLEMENTS_FILES, readExpectedEntitlements } from '../../../build/check-entitlements.js';
import { FUSE_POLICY } from '../../../build/check-fuses.js';
import { APP_ID } from '../../../src/shared/product.js';
import { builderMinimatch, keptByFiles, loadBuilderConfig, ROOT } from './builder-config.js';

const config = loadBuilderConfig();
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  main?: string;
  productName?: string;
  dependencies?: Record<string, string>;
};

describe('electron-builder.yml against electron-builder’s own schema', () => {
  // electron-builder validates with `strict: false` too: scheme.json uses union types and a
  // non-standard `typeof` keyword. We define `typeof` so it is enforced rather than ignored, and
  // leave out electron-builder's `coerceTypes`, so a quoted "true" is not taken for a boolean.
  const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addKeyword({ keyword: 'typeof', schemaType: 'string', validate: (type: string, data: unknown) => typeof data === type });
  const validate = ajv.compile(schema);

  test('the configuration validates', () => {
    const valid = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the schema has teeth: a v25-style notarize object and a misspelt fuse are rejected', () => {
    expect(validate({ ...config, mac: { ...config.mac, notarize: { teamId: 'K7QH3MR9X2' } } })).toBe(false);
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).toBe(false);
  });
});

describe('identity', () => {
  test('appId is APP_ID, the bundle id and the keychain service the code uses', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.appId).toBe('sh.onecli.launcher');
  });

  test('productName is OneCLI, as in package.json (OneCLI.app, ~/Library/Application Support/OneCLI)', () => {
    expect(config.productName).toBe('OneCLI');
    expect(packageJson.productName).toBe(config.productName);
  });

  test('signing is Developer ID only: forced, hardened runtime, notarized, no identity pinned (never ad-hoc "-")', () => {
    expect(config.mac?.forceCodeSigning).toBe(true);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.notarize).toBe(true);
    expect(config.mac).not.toHaveProperty('identity');
  });

  test('a menu-bar agent: LSUIElement is true', () => {
    expect(config.mac?.extendInfo?.LSUIElement).toBe(true);
  });

  test('dmg and zip (the zip feeds electron-updater), each for arm64 and x64', () => {
    const targets = (config.mac?.target ?? []).map((t) => ({ target: t.target, arch: [...(t.arch ?? [])].sort() }));
    expect(targets).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
  });

  test('updates come from GitHub releases, and the dmg stays out of latest-mac.yml', () => {
    expect(config.publish).toMatchObject({ provider: 'github', owner: expect.any(String), repo: expect.any(String) });
    expect(config.dmg).toEqual({ sign: true, writeUpdateInfo: false });
  });
});

describe('entitlements', () => {
  test('both files exist where electron-builder.yml points, and parse', () => {
    expect(config.mac?.entitlements).toBe(ENTITLEMENTS_FILES.app);
    expect(config.mac?.entitlementsInherit).toBe(ENTITLEMENTS_FILES.inherit);
    for (const file of Object.values(ENTITLEMENTS_FILES)) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
    expect(() => readExpectedEntitlements(ROOT)).not.toThrow();
  });

  test('exactly allow-jit and allow-unsigned-executable-memory, in the app and in every helper', () => {
    const expected = { 'com.apple.security.cs.allow-jit': true, 'com.apple.security.cs.allow-unsigned-executable-memory': true };
    const { app, inherit } = readExpectedEntitlements(ROOT);
    expect(app).toEqual(expected);
    expect(inherit).toEqual(expected);
  });

  test('no App Sandbox (op must run unsandboxed) and no disable-library-validation (SDK desktop mode is not shipped)', () => {
    const { app, inherit } = readExpectedEntitlements(ROOT);
    for (const set of [app, inherit]) {
      expect(set).not.toHaveProperty(['com.apple.security.app-sandbox']);
      expect(set).not.toHaveProperty(['com.apple.security.cs.disable-library-validation']);
      for (const key of Object.keys(FORBIDDEN_ENTITLEMENTS)) expect(set).not.toHaveProperty([key]);
    }
  });

  test('docs/macos.md gives a reason for each entitlement, and for the two left out', () => {
    const docs = readFileSync(path.join(ROOT, 'docs/macos.md'), 'utf8');
    const { app, inherit } = readExpectedEntitlements(ROOT);
    for (const key of [...Object.keys(app), ...Object.keys(inherit), 'com.apple.security.app-sandbox', 'com.apple.security.cs.disable-library-validation']) {
      expect(docs, key).toContain(`\`${key}\``);
    }
  });
});

describe('fuses', () => {
  test('electronFuses is exactly the release fuse policy', () => {
    expect(config.electronFuses).toEqual(FUSE_POLICY);
  });

  test('the policy: RunAsNode, NodeOptions, inspect and file:// privileges off; cookie encryption, asar integrity, asar-only on', () => {
    expect(FUSE_POLICY).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

describe('what goes into the app', () => {
  test('the output folder is not dist/, which is the app itself', () => {
    const output = config.directories?.output ?? 'dist';
    expect(output).not.toBe('dist');
    expect(path.relative(path.join(ROOT, 'dist'), path.join(ROOT, output)).startsWith('..')).toBe(true);
  });

  test('package.json main, preload, gateway and renderer come from the build outputs the code names', () => {
    expect(packageJson.main).toBe('dist/main/index.js');
    expect(REQUIRED_IN_ASAR).toEqual(expect.arrayContaining([packageJson.main, 'dist/main/preload.cjs', 'dist/gateway/main.js', 'dist/renderer/index.html']));
    // tsc emits dist/<room>/<name>.js from src/<room>/<name>.ts (.cts → .cjs); vite writes dist/renderer.
    expect(existsSync(path.join(ROOT, 'src/main/index.ts'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'src/main/preload.cts'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'src/gateway/main.ts'))).toBe(true);
  });

  test('files keeps everything the app opens, and leaves out source maps and the headless CLI', () => {
    const patterns = config.files ?? [];
    const match = builderMinimatch();
    for (const file of [...REQUIRED_IN_ASAR, 'dist/core/open-core.js', 'dist/shared/product.js', 'dist/renderer/assets/index-abc123.js']) {
      expect(keptByFiles(file, patterns, match), file).toBe(true);
    }
    for (const file of [
      'dist/main/index.js.map',
      'dist/cli/main.js',
      'src/main/index.ts',
      'test/unit/build/builder-config.ts',
      'release/mac-arm64/OneCLI.app/Contents/Info.plist',
    ]) {
      expect(keptByFiles(file, patterns, match), file).toBe(false);
    }
  });

  test('the tray icons ship in Contents/Resources/tray, where src/main looks for them', () => {
    const match = builderMinimatch();
    expect(config.extraResources).toEqual([{ from: 'resources/tray', to: 'tray', filter: expect.any(Array) }]);
    const filter = config.extraResources?.[0]?.filter ?? [];
    const icons = readdirSync(path.join(ROOT, 'resources/tray')).filter((f) => f.endsWith('.png'));
    expect(icons.length).toBeGreaterThanOrEqual(6);
    for (const icon of icons)
      expect(
        filter.some((g) => match(icon, g)),
        icon,
      ).toBe(true);
  });

  test('asar is on: asar integrity and OnlyLoadAppFromAsar need an archive', () => {
    expect(config.asar).toBe(true);
  });

  test('artifact names are stable, for the cask and the previous-release lookup', () => {
    expect(config.mac?.artifactName).toBe('${productName}-${version}-${arch}.${ext}');
  });
});
