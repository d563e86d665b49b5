/**
 * Checks that the signed app carries exactly the entitlements in resources/ — the main app
 * resources/entitlements.mac.plist, every helper (the gateway's utility process runs in
 * "OneCLI Helper.app") resources/entitlements.mac.inherit.plist — and never one we ruled out.
 * Why each one is there: docs/macos.md#entitlements.
 *
 *   npx tsx build/check-entitlements.ts --app release/mac-arm64/OneCLI.app
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parsePlistDict, type PlistDict, type PlistValue } from './read-plist.js';
import { isEntryPoint, reportCheck, type CheckResult } from './report-check.js';
import { runTool } from './run-tool.js';

export const ENTITLEMENTS_FILES = {
  app: 'resources/entitlements.mac.plist',
  inherit: 'resources/entitlements.mac.inherit.plist',
} as const;

/** Entitlements OneCLI.app must never carry, and why. */
export const FORBIDDEN_ENTITLEMENTS: Readonly<Record<string, string>> = {
  'com.apple.security.app-sandbox':
    'the App Sandbox is inherited by children: the user’s `op` would run sandboxed, cut off from 1Password’s Group Container and sockets',
  'com.apple.security.cs.disable-library-validation':
    'only the 1Password SDK’s desktop mode (dlopen of 1Password’s dylib) needs it, and that mode is not shipped: the desktop source uses `op`',
  'com.apple.security.get-task-allow': 'a debuggable build: notarization rejects it',
  'com.apple.security.cs.allow-dyld-environment-variables': 'would let DYLD_* variables inject code into a signed app',
};

/** Reads the entitlements plist out of `codesign -d --entitlements - --xml PATH` output; `{}` when there is none. */
export function parseEntitlementsOutput(output: string): PlistDict {
  const start = output.search(/<\?xml|<plist[\s>]/);
  const end = output.lastIndexOf('</plist>');
  if (start < 0 || end < 0) return {};
  return parsePlistDict(output.slice(start, end + '</plist>'.length));
}

function show(value: PlistValue | undefined): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

/** Exact equality of keys and values, plus the forbidden list, with one message per difference. */
export function compareEntitlements(label: string, actual: PlistDict, expected: PlistDict): string[] {
  const problems: string[] = [];
  for (const [key, why] of Object.entries(FORBIDDEN_ENTITLEMENTS)) {
    if (key in actual) problems.push(`${label} carries ${key}: ${why}`);
  }
  for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    if (key in FORBIDDEN_ENTITLEMENTS && key in actual) continue;
    if (JSON.stringify(actual[key]) !== JSON.stringify(expected[key])) {
      problems.push(`${label}: ${key} is ${show(actual[key])}, expected ${show(expected[key])}`);
    }
  }
  return problems;
}

export function readExpectedEntitlements(root: string): { app: PlistDict; inherit: PlistDict } {
  const read = (file: string) => parsePlistDict(readFileSync(path.join(root, file), 'utf8'));
  return { app: read(ENTITLEMENTS_FILES.app), inherit: read(ENTITLEMENTS_FILES.inherit) };
}

export interface SignedCode {
  readonly label: string;
  readonly entitlements: PlistDict;
  readonly role: 'app' | 'helper';
}

export function checkEntitlements(signed: readonly SignedCode[], expected: { app: PlistDict; inherit: PlistDict }): CheckResult {
  const problems: string[] = [];
  if (!signed.some((s) => s.role === 'app')) problems.push('no main app was checked');
  if (!signed.some((s) => s.role === 'helper')) problems.push('no helper app was found under Contents/Frameworks (the gateway runs in "OneCLI Helper.app")');
  for (const s of signed) problems.push(...compareEntitlements(s.label, s.entitlements, s.role === 'app' ? expected.app : expected.inherit));
  return { problems, notes: signed.map((s) => `${s.label}: ${Object.keys(s.entitlements).sort().join(', ') || '(none)'}`) };
}

function main(): void {
  const { values } = parseArgs({ options: { app: { type: 'string' }, root: { type: 'string', default: process.cwd() } } });
  if (!values.app) throw new Error('pass --app path/to/OneCLI.app');
  const app = values.app;
  const read = (p: string) => parseEntitlementsOutput(runTool('codesign', ['-d', '--entitlements', '-', '--xml', p]).text);
  const frameworks = path.join(app, 'Contents', 'Frameworks');
  const helpers = readdirSync(frameworks).filter((name) => name.endsWith('.app'));
  const signed: SignedCode[] = [
    { label: path.basename(app), entitlements: read(app), role: 'app' },
    ...helpers.map((name) => ({ label: name, entitlements: read(path.join(frameworks, name)), role: 'helper' as const })),
  ];
  reportCheck('entitlements', checkEntitlements(signed, readExpectedEntitlements(values.root)));
}

if (isEntryPoint(import.meta.url)) main();
