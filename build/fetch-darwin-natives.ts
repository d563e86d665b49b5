/**
 * Puts the macOS prebuilt binaries of BOTH architectures into node_modules before packaging.
 *
 * `npm ci` installs only the optional platform package that matches the machine it runs on
 * (`@napi-rs/keyring-darwin-arm64` on an Apple-silicon runner), and electron-builder packs
 * what is on disk: without this step the x64 app ships no keychain binding, and the core
 * silently falls back to "no keychain". This fetches each missing darwin package at the exact
 * version and integrity package-lock.json pins, through npm itself, and unpacks it in place.
 *
 *   npx tsx build/fetch-darwin-natives.ts [--arch arm64,x64] [--root .]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isEntryPoint } from './report-check.js';

export type MacArch = 'arm64' | 'x64';

export interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly integrity?: string;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly dev?: boolean;
  readonly devOptional?: boolean;
}

export interface NativePackage {
  /** Where npm installs it, relative to the project root (`node_modules/@napi-rs/keyring-darwin-x64`). */
  readonly installPath: string;
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
  readonly arch: MacArch;
}

/** Production packages in the lockfile built for macOS on `arch` (the napi-rs / esbuild style of per-platform package). */
export function darwinNativePackages(lockPackages: Readonly<Record<string, LockEntry>>, arch: MacArch): NativePackage[] {
  const found: NativePackage[] = [];
  for (const [installPath, entry] of Object.entries(lockPackages)) {
    if (!installPath.includes('node_modules/') || entry.dev || entry.devOptional) continue;
    if (!entry.os?.includes('darwin') || !entry.cpu?.includes(arch)) continue;
    if (!entry.version || !entry.integrity) continue;
    const name = entry.name ?? installPath.slice(installPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
    found.push({ installPath, name, version: entry.version, integrity: entry.integrity, arch });
  }
  return found.sort((a, b) => a.installPath.localeCompare(b.installPath));
}

/** The darwin packages for `arches` that are not on disk yet. */
export function missingDarwinNatives(
  lockPackages: Readonly<Record<string, LockEntry>>,
  arches: readonly MacArch[],
  isInstalled: (installPath: string) => boolean,
): NativePackage[] {
  return arches.flatMap((arch) => darwinNativePackages(lockPackages, arch)).filter((p) => !isInstalled(p.installPath));
}

export function readLockPackages(root: string): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  if (!lock.packages) throw new Error(`package-lock.json v${lock.lockfileVersion ?? '?'} has no "packages" map; npm 7+ writes one`);
  return lock.packages;
}

function fetchInto(root: string, pkg: NativePackage, scratch: string): void {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--json', '--pack-destination', scratch], { cwd: scratch, encoding: 'utf8' }),
  ) as Array<{ filename: string; integrity: string }>;
  const [tarball] = packed;
  if (!tarball) throw new Error(`npm pack ${pkg.name}@${pkg.version} produced nothing`);
  if (tarball.integrity !== pkg.integrity)
    throw new Error(`${pkg.name}@${pkg.version}: the registry's integrity ${tarball.integrity} differs from package-lock.json's ${pkg.integrity}`);
  const dest = path.join(root, pkg.installPath);
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(scratch, tarball.filename), '-C', dest, '--strip-components=1']);
  const unpacked = JSON.parse(readFileSync(path.join(dest, 'package.json'), 'utf8')) as { name?: string; version?: string };
  if (unpacked.name !== pkg.name || unpacked.version !== pkg.version)
    throw new Error(`${dest} holds ${unpacked.name}@${unpacked.version}, expected ${pkg.name}@${pkg.version}`);
}

function main(): void {
  const { values } = parseArgs({ options: { arch: { type: 'string', default: 'arm64,x64' }, root: { type: 'string', default: process.cwd() } } });
  const arches = values.arch.split(',').map((a) => a.trim());
  for (const a of arches) if (a !== 'arm64' && a !== 'x64') throw new Error(`unknown arch "${a}" (arm64, x64)`);
  const root = path.resolve(values.root);
  const lock = readLockPackages(root);
  const missing = missingDarwinNatives(lock, arches as MacArch[], (p) => existsSync(path.join(root, p, 'package.json')));
  for (const arch of arches as MacArch[]) {
    console.log(
      `darwin-${arch}: ${
        darwinNativePackages(lock, arch)
          .map((p) => `${p.name}@${p.version}`)
          .join(', ') || '(none in the production tree)'
      }`,
    );
  }
  if (missing.length === 0) {
    console.log('all present');
    return;
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'onecli-natives-'));
  try {
    for (const pkg of missing) {
      fetchInto(root, pkg, scratch);
      console.log(`fetched ${pkg.name}@${pkg.version} into ${pkg.installPath} (integrity matches package-lock.json)`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) main();
