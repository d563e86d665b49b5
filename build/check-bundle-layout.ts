/**
 * Checks that a packaged OneCLI.app holds what it needs at run time, where the code looks for
 * it: the main entry, preload, gateway and renderer inside app.asar (utilityProcess.fork loads
 * dist/gateway/main.js from there); native binaries and the SDK's WASM unpacked, the keychain
 * binding built for this app's architecture; the tray icons in Resources/tray; app-update.yml
 * for electron-updater; the Info.plist keys identity and the asar-integrity fuse depend on.
 *
 *   npx tsx build/check-bundle-layout.ts --app release/mac/OneCLI.app --arch x64
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { APP_ID } from '../src/shared/product.js';
import { darwinNativePackages, readLockPackages, type MacArch, type NativePackage } from './fetch-darwin-natives.js';
import { parsePlistDict, type PlistDict } from './read-plist.js';
import { isEntryPoint, reportCheck, type CheckResult } from './report-check.js';
import { runTool } from './run-tool.js';

export const PRODUCT_NAME = 'OneCLI';

/** Files the app opens from inside app.asar (paths from src/main/index.ts and package.json `main`). */
export const REQUIRED_IN_ASAR = ['package.json', 'dist/main/index.js', 'dist/main/preload.cjs', 'dist/gateway/main.js', 'dist/renderer/index.html'] as const;

export const TRAY_ICONS = ['running', 'degraded', 'stopped'].flatMap((s) => [`tray-${s}Template.png`, `tray-${s}Template@2x.png`]);

/** `lipo -archs` names. */
const LIPO_ARCH: Record<MacArch, string> = { arm64: 'arm64', x64: 'x86_64' };

export interface BundleSnapshot {
  /** Every entry app.asar lists (unpacked ones included), relative, with forward slashes. */
  readonly asarFiles: ReadonlySet<string>;
  /** Files under Contents/Resources/app.asar.unpacked. */
  readonly unpackedFiles: ReadonlySet<string>;
  readonly trayFiles: ReadonlySet<string>;
  readonly infoPlist: PlistDict;
  readonly appUpdateYml: string | undefined;
  /** `lipo -archs` of Contents/MacOS/OneCLI and of each unpacked `.node`, by relative path. */
  readonly machOArchs: Readonly<Record<string, readonly string[]>>;
}

export function checkBundleLayout(snapshot: BundleSnapshot, arch: MacArch, natives: readonly NativePackage[]): CheckResult {
  const problems: string[] = [];
  for (const file of REQUIRED_IN_ASAR) if (!snapshot.asarFiles.has(file)) problems.push(`app.asar lacks ${file}`);
  for (const file of snapshot.asarFiles) {
    if (/\.(node|wasm)$/.test(file) && !snapshot.unpackedFiles.has(file))
      problems.push(`${file} is packed inside app.asar; native code and WASM must be unpacked (asarUnpack)`);
  }
  for (const pkg of natives) {
    const binaries = [...snapshot.unpackedFiles].filter((f) => f.startsWith(`${pkg.installPath}/`) && f.endsWith('.node'));
    if (binaries.length === 0)
      problems.push(`${pkg.name}@${pkg.version} (the ${arch} binary) is not in app.asar.unpacked: run build/fetch-darwin-natives.ts before electron-builder`);
    for (const file of binaries) {
      const archs = snapshot.machOArchs[file] ?? [];
      if (!archs.includes(LIPO_ARCH[arch])) problems.push(`${file} is built for ${archs.join(',') || 'nothing we could read'}, not ${LIPO_ARCH[arch]}`);
    }
  }
  const exe = `Contents/MacOS/${PRODUCT_NAME}`;
  if (!(snapshot.machOArchs[exe] ?? []).includes(LIPO_ARCH[arch]))
    problems.push(`${exe} is built for ${(snapshot.machOArchs[exe] ?? []).join(',') || 'nothing we could read'}, not ${LIPO_ARCH[arch]}`);
  for (const icon of TRAY_ICONS) if (!snapshot.trayFiles.has(icon)) problems.push(`Resources/tray/${icon} is missing (extraResources)`);
  const info = snapshot.infoPlist;
  if (info.CFBundleIdentifier !== APP_ID) problems.push(`CFBundleIdentifier is ${JSON.stringify(info.CFBundleIdentifier)}, expected ${APP_ID}`);
  if (info.CFBundleExecutable !== PRODUCT_NAME) problems.push(`CFBundleExecutable is ${JSON.stringify(info.CFBundleExecutable)}, expected ${PRODUCT_NAME}`);
  if (info.LSUIElement !== true) problems.push(`LSUIElement is ${JSON.stringify(info.LSUIElement)}, expected true (a menu-bar app with no Dock icon)`);
  const integrity = info.ElectronAsarIntegrity;
  if (typeof integrity !== 'object' || Array.isArray(integrity) || !integrity['Resources/app.asar']) {
    problems.push('Info.plist has no ElectronAsarIntegrity entry for Resources/app.asar: with the asar-integrity fuse on, the app would refuse to start');
  }
  if (!snapshot.appUpdateYml) problems.push('Resources/app-update.yml is missing: electron-updater would have no feed');
  else {
    const feed = parseYaml(snapshot.appUpdateYml) as { provider?: string; owner?: string; repo?: string } | null;
    if (feed?.provider !== 'github' || !feed.owner || !feed.repo)
      problems.push(`app-update.yml does not name a GitHub feed: ${snapshot.appUpdateYml.trim().replace(/\n/g, '; ')}`);
  }
  return {
    problems,
    notes: [
      `${snapshot.asarFiles.size} entries in app.asar, ${snapshot.unpackedFiles.size} unpacked; natives for ${arch}: ${natives.map((n) => n.name).join(', ') || 'none'}`,
    ],
  };
}

function walk(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

function lipoArchs(file: string): string[] {
  const out = runTool('lipo', ['-archs', file]);
  return out.status === 0 ? out.text.trim().split(/\s+/) : [];
}

/** @electron/asar as electron-builder itself resolves it: the library that wrote the archive reads it. */
function listAsar(archive: string): string[] {
  const fromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
  const asar = fromBuilder('@electron/asar') as { listPackage(archive: string, options: { isPack: boolean }): string[] };
  return asar.listPackage(archive, { isPack: false }).map((p) => p.replace(/\\/g, '/').replace(/^\//, ''));
}

function snapshotOf(app: string): BundleSnapshot {
  const resources = path.join(app, 'Contents', 'Resources');
  const unpackedDir = path.join(resources, 'app.asar.unpacked');
  const unpackedFiles = walk(unpackedDir);
  const exe = `Contents/MacOS/${PRODUCT_NAME}`;
  const machOArchs: Record<string, string[]> = { [exe]: lipoArchs(path.join(app, exe)) };
  for (const f of unpackedFiles.filter((f) => f.endsWith('.node'))) machOArchs[f] = lipoArchs(path.join(unpackedDir, f));
  const updateYml = path.join(resources, 'app-update.yml');
  return {
    asarFiles: new Set(listAsar(path.join(resources, 'app.asar'))),
    unpackedFiles: new Set(unpackedFiles),
    trayFiles: new Set(walk(path.join(resources, 'tray'))),
    infoPlist: parsePlistDict(runTool('plutil', ['-convert', 'xml1', '-o', '-', path.join(app, 'Contents', 'Info.plist')]).text),
    appUpdateYml: existsSync(updateYml) ? readFileSync(updateYml, 'utf8') : undefined,
    machOArchs,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { app: { type: 'string' }, arch: { type: 'string' }, root: { type: 'string', default: process.cwd() } } });
  if (!values.app || (values.arch !== 'arm64' && values.arch !== 'x64')) throw new Error('pass --app path/to/OneCLI.app --arch arm64|x64');
  const natives = darwinNativePackages(readLockPackages(values.root), values.arch);
  reportCheck(`bundle layout (${values.arch})`, checkBundleLayout(snapshotOf(values.app), values.arch, natives));
}

if (isEntryPoint(import.meta.url)) main();
