import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';

/**
 * The boundary lint checks each import on its own; this follows them. Everything the renderer
 * reaches through src/shared ends up in the UI bundle, so Node-only modules (leaf minting, the
 * x509 setup with @peculiar/x509 and reflect-metadata, node: built-ins) must stay out of reach.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const FORBIDDEN_PACKAGES = ['@peculiar/x509', 'reflect-metadata', 'tsyringe', 'pino'];
const FORBIDDEN_FILES = ['src/shared/leaf-certificate.ts', 'src/shared/x509.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

function resolveRelative(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base];
  const found = candidates.find((c) => existsSync(c) && /\.tsx?$/.test(c));
  if (!found) throw new Error(`${path.relative(root, from)}: cannot resolve ${specifier}`);
  return found;
}

/** Every file and bare package the renderer reaches, with the chain that reached it. */
function reachable(entries: readonly string[]) {
  const files = new Map<string, string[]>(entries.map((f) => [f, [path.relative(root, f)]]));
  const packages = new Map<string, string[]>();
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = files.get(file)!;
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
    for (const specifier of imports) {
      if (/\.(css|svg|png|woff2?)$/.test(specifier)) continue; // assets: Vite bundles them, no code follows
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (!files.has(target)) {
          files.set(target, [...chain, path.relative(root, target)]);
          queue.push(target);
        }
      } else if (!packages.has(specifier)) packages.set(specifier, [...chain, specifier]);
    }
  }
  return { files, packages };
}

test('the renderer never reaches leaf minting, @peculiar/x509 or a Node built-in, however indirectly', () => {
  const { files, packages } = reachable(sourceFiles(path.join(root, 'renderer', 'src')));
  // The walk really goes through src/shared (the contract and the header rules).
  expect([...files.keys()].map((f) => path.relative(root, f))).toEqual(expect.arrayContaining(['src/shared/control-api.ts', 'src/shared/header-rule.ts']));
  const bad = [
    ...FORBIDDEN_FILES.flatMap((f) => files.get(path.join(root, f)) ?? []).map(() => 'file'),
    ...[...files.entries()].filter(([f]) => FORBIDDEN_FILES.includes(path.relative(root, f))).map(([, chain]) => chain.join(' → ')),
    ...[...packages.entries()]
      .filter(([p]) => p.startsWith('node:') || FORBIDDEN_PACKAGES.some((f) => p === f || p.startsWith(`${f}/`)))
      .map(([, chain]) => chain.join(' → ')),
  ].filter((entry) => entry !== 'file');
  expect(bad).toEqual([]);
});

test('the walk would see it: the gateway reaches leaf minting and node:crypto, the core reaches @peculiar/x509', () => {
  const gateway = reachable([path.join(root, 'src/gateway/leaf-certificates.ts')]);
  expect(gateway.files.has(path.join(root, 'src/shared/leaf-certificate.ts'))).toBe(true);
  expect(gateway.packages.has('node:crypto')).toBe(true);
  expect(gateway.packages.has('node:tls')).toBe(true);
  expect(reachable([path.join(root, 'src/core/ca/local-ca.ts')]).packages.has('@peculiar/x509')).toBe(true);
});

test('the gateway never loads @peculiar/x509 or reflect-metadata: leaves are minted with node:crypto (~12 MiB less memory)', () => {
  const { packages } = reachable(sourceFiles(path.join(root, 'src', 'gateway')));
  const heavy = [...packages.entries()].filter(([p]) => ['@peculiar/x509', 'reflect-metadata', 'tsyringe'].some((f) => p === f || p.startsWith(`${f}/`)));
  expect(heavy.map(([, chain]) => chain.join(' → '))).toEqual([]);
});
