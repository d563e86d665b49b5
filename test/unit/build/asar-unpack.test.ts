import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { builderMinimatch, loadBuilderConfig, ROOT } from './builder-config.js';

/** The production packages npm says are installed (what electron-builder packs), as folders. */
function productionPackageDirs(): string[] {
  let out: string;
  try {
    out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (err) {
    // npm ls exits 1 on problems such as an extraneous package, and still prints the tree.
    out = (err as { stdout?: string }).stdout ?? '';
  }
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && path.resolve(l) !== ROOT)
    .filter((l) => existsSync(l));
}

/** Files under a package, not descending into its own node_modules (npm lists those separately). */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesOf(full);
    return entry.isFile() ? [full] : [];
  });
}

/** Native and WASM files in the production tree, relative to the app root as electron-builder matches them. */
function nativeAndWasmFiles(): string[] {
  const found = new Set<string>();
  for (const dir of productionPackageDirs()) {
    for (const file of filesOf(dir)) {
      if (/\.(node|wasm)$/.test(file)) found.add(path.relative(ROOT, file).split(path.sep).join('/'));
    }
  }
  return [...found].sort();
}

function uncovered(files: readonly string[], globs: readonly string[]): string[] {
  const match = builderMinimatch();
  return files.filter((file) => !globs.some((glob) => match(file, glob)));
}

describe('asarUnpack', () => {
  const files = nativeAndWasmFiles();

  test('the production tree has the files we expect to unpack (the walk works)', () => {
    expect(
      files.some((f) => /^node_modules\/@napi-rs\/keyring-[^/]+\/keyring\.[^/]+\.node$/.test(f)),
      files.join('\n'),
    ).toBe(true);
    expect(files).toContain('node_modules/@1password/sdk-core/nodejs/core_bg.wasm');
  });

  test('every .node and .wasm of the production dependencies is unpacked', () => {
    expect(uncovered(files, loadBuilderConfig().asarUnpack ?? [])).toEqual([]);
  });

  test('a glob list that misses one is caught, by name', () => {
    expect(uncovered(files, ['**/*.node'])).toEqual(['node_modules/@1password/sdk-core/nodejs/core_bg.wasm']);
  });

  test('npmRebuild stays off only while no production dependency compiles from source (binding.gyp)', () => {
    expect(loadBuilderConfig().npmRebuild).toBe(false);
    const fromSource = productionPackageDirs().filter((dir) => existsSync(path.join(dir, 'binding.gyp')));
    expect(fromSource.map((d) => path.relative(ROOT, d))).toEqual([]);
  });
});
