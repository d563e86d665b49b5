import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface TargetConfig {
  target: string;
  arch?: string[];
}

/** The parts of electron-builder.yml the tests read; the JSON schema checks the rest. */
export interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string; buildResources?: string };
  files?: string[];
  asar?: boolean;
  asarUnpack?: string[];
  npmRebuild?: boolean;
  extraResources?: Array<{ from: string; to: string; filter?: string[] }>;
  mac?: {
    target?: TargetConfig[];
    artifactName?: string;
    hardenedRuntime?: boolean;
    entitlements?: string;
    entitlementsInherit?: string;
    notarize?: unknown;
    forceCodeSigning?: boolean;
    identity?: unknown;
    minimumSystemVersion?: string;
    extendInfo?: Record<string, unknown>;
  };
  dmg?: { sign?: boolean; writeUpdateInfo?: boolean };
  electronFuses?: Record<string, boolean>;
  publish?: { provider?: string; owner?: string; repo?: string };
}

export function loadBuilderConfig(): BuilderConfig {
  return parseYaml(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

type Minimatch = (file: string, pattern: string, options: { dot: boolean }) => boolean;

/**
 * The minimatch electron-builder itself matches `files` and `asarUnpack` with (its own
 * dependency, with the options its FileMatcher uses: `{ dot: true }`, paths relative to the app).
 */
export function builderMinimatch(): (file: string, pattern: string) => boolean {
  const fromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
  const { minimatch } = fromBuilder('minimatch') as { minimatch: Minimatch };
  return (file, pattern) => minimatch(file, pattern, { dot: true });
}

/**
 * Whether electron-builder's `files` patterns keep `file`: in order, a pattern that matches
 * includes, a `!pattern` that matches excludes (its util/filter.ts `minimatchAll`).
 */
export function keptByFiles(file: string, patterns: readonly string[], match = builderMinimatch()): boolean {
  let kept = false;
  for (const pattern of patterns) {
    const negate = pattern.startsWith('!');
    if (kept !== negate) continue;
    kept = negate ? !match(file, pattern.slice(1)) : match(file, pattern);
  }
  return kept;
}
