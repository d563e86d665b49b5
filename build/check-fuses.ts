/**
 * Checks the fuses of a packaged OneCLI.app as `npx @electron/fuses read --app APP` prints them
 * against FUSE_POLICY, the one statement of what OneCLI ships (electron-builder.yml's
 * `electronFuses` must equal it; a unit test holds it to that). Why each: docs/macos.md#fuses.
 *
 *   npx tsx build/check-fuses.ts --app release/mac-arm64/OneCLI.app
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isEntryPoint, reportCheck, type CheckResult } from './report-check.js';
import { runTool } from './run-tool.js';

/** electron-builder's `electronFuses` keys → the state each must have in a release build. */
export const FUSE_POLICY = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const satisfies Record<string, boolean>;

export type FuseState = 'Enabled' | 'Disabled' | 'Inherited' | 'Removed';

/** `runAsNode` → `RunAsNode`: the name @electron/fuses prints (its FuseV1Options key). */
export function fuseName(configKey: string): string {
  return configKey.charAt(0).toUpperCase() + configKey.slice(1);
}

export interface FuseRead {
  readonly version: string | undefined;
  /** In wire order, as printed; `undefined` is what @electron/fuses prints for a fuse it has no name for. */
  readonly fuses: ReadonlyArray<{ readonly name: string; readonly state: FuseState }>;
}

// eslint-disable-next-line no-control-regex -- the escape character is the point: GitHub Actions makes chalk colour its output
const ANSI = /\u001b\[[0-9;]*m/g;

export function parseFuseRead(output: string): FuseRead {
  const text = output.replace(ANSI, '');
  const fuses: Array<{ name: string; state: FuseState }> = [];
  for (const m of text.matchAll(/^\s*(\S+) is (Enabled|Disabled|Inherited|Removed)\s*$/gm)) {
    fuses.push({ name: m[1] ?? '', state: m[2] as FuseState });
  }
  return { version: /^Fuse Version:\s*v?(\S+)/m.exec(text)?.[1], fuses };
}

export function checkFuses(read: FuseRead, policy: Readonly<Record<string, boolean>> = FUSE_POLICY): CheckResult {
  if (read.fuses.length === 0) return { problems: ['no fuse states found in the output (is this an Electron app, and was the path right?)'] };
  const problems: string[] = [];
  const notes: string[] = [];
  if (read.version !== '1') problems.push(`fuse wire version ${read.version ?? '(none)'}: this check knows v1 only`);
  for (const [key, wanted] of Object.entries(policy)) {
    const name = fuseName(key);
    const found = read.fuses.find((f) => f.name === name);
    const expected: FuseState = wanted ? 'Enabled' : 'Disabled';
    if (!found) problems.push(`${name} is missing from the fuse wire (expected ${expected})`);
    else if (found.state === 'Removed') notes.push(`warning: ${name} is marked Removed in this Electron: setting it is a no-op; review docs/macos.md#fuses`);
    else if (found.state !== expected) problems.push(`${name} is ${found.state}, expected ${expected}`);
  }
  const known = new Set(Object.keys(policy).map(fuseName));
  for (const [index, fuse] of read.fuses.entries()) {
    if (!known.has(fuse.name)) {
      notes.push(
        `warning: fuse #${index} (${fuse.name === 'undefined' ? 'unnamed by this @electron/fuses' : fuse.name}) is ${fuse.state} and is not in the policy: decide its state (upgrade @electron/fuses to name it)`,
      );
    }
  }
  notes.push(...read.fuses.map((f) => `${f.name} is ${f.state}`));
  return { problems, notes };
}

function main(): void {
  const { values } = parseArgs({ options: { app: { type: 'string' }, file: { type: 'string' } } });
  if (!values.app && !values.file) throw new Error('pass --app (or --file with a recorded `@electron/fuses read` output)');
  const output = values.file ? readFileSync(values.file, 'utf8') : runTool('npx', ['--no-install', '@electron/fuses', 'read', '--app', values.app ?? '']).text;
  reportCheck('fuses', checkFuses(parseFuseRead(output)));
}

if (isEntryPoint(import.meta.url)) main();
