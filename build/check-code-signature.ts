/**
 * Checks the signature details of OneCLI.app as `codesign -dv --verbose=4` prints them: our
 * identifier and Team ID, the hardened-runtime flag (notarization requires it), a Developer ID
 * Application chain up to Apple's root, and a secure timestamp. Never ad-hoc.
 *
 *   npx tsx build/check-code-signature.ts --app release/mac-arm64/OneCLI.app --team ABCDE12345
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { APP_ID } from '../src/shared/product.js';
import { isEntryPoint, reportCheck, type CheckResult } from './report-check.js';
import { runTool } from './run-tool.js';

export interface SignatureDetails {
  readonly signed: boolean;
  readonly identifier: string | undefined;
  readonly teamId: string | undefined;
  /** The names in `CodeDirectory … flags=0x10000(runtime)`. */
  readonly flags: readonly string[];
  /** `Authority=` lines, leaf first. */
  readonly authorities: readonly string[];
  /** A secure timestamp from Apple's server; `Signed Time=` alone is the signer's clock. */
  readonly timestamp: string | undefined;
  readonly adhoc: boolean;
}

/** Parses what `codesign -dv --verbose=4 APP` prints (it writes to stderr). */
export function parseSignatureDetails(output: string): SignatureDetails {
  const lines = output.split(/\r?\n/);
  const value = (key: string) =>
    lines
      .find((l) => l.startsWith(`${key}=`))
      ?.slice(key.length + 1)
      .trim();
  const flags =
    /\bflags=0x[0-9a-f]+\(([^)]*)\)/i
      .exec(lines.find((l) => l.startsWith('CodeDirectory')) ?? '')?.[1]
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean) ?? [];
  const team = value('TeamIdentifier');
  return {
    signed: !/code object is not signed at all/i.test(output) && lines.some((l) => l.startsWith('CodeDirectory')),
    identifier: value('Identifier'),
    teamId: team && team !== 'not set' ? team : undefined,
    flags,
    authorities: lines.filter((l) => l.startsWith('Authority=')).map((l) => l.slice('Authority='.length).trim()),
    timestamp: value('Timestamp'),
    adhoc: flags.includes('adhoc') || flags.includes('linker-signed') || value('Signature') === 'adhoc',
  };
}

export function checkSignature(details: SignatureDetails, expected: { appId: string; teamId: string }): CheckResult {
  if (!details.signed) return { problems: ['the app is not signed'] };
  if (details.adhoc)
    return {
      problems: [
        `the app is ad-hoc signed (flags ${details.flags.join(',') || 'none'}): its DR is a cdhash, so Full Disk Access and keychain trust would not survive an update`,
      ],
    };
  const problems: string[] = [];
  if (details.identifier !== expected.appId) problems.push(`Identifier=${details.identifier ?? '(none)'}, expected ${expected.appId}`);
  if (details.teamId !== expected.teamId) problems.push(`TeamIdentifier=${details.teamId ?? 'not set'}, expected ${expected.teamId}`);
  if (!details.flags.includes('runtime'))
    problems.push(`the hardened runtime flag is missing (flags ${details.flags.join(',') || 'none'}); notarization requires it`);
  const [leaf] = details.authorities;
  if (!leaf?.startsWith('Developer ID Application:') || !leaf.endsWith(`(${expected.teamId})`)) {
    problems.push(`the leaf certificate is "${leaf ?? '(none)'}", expected "Developer ID Application: … (${expected.teamId})"`);
  }
  if (!details.authorities.includes('Developer ID Certification Authority') || !details.authorities.includes('Apple Root CA')) {
    problems.push(`the chain ${JSON.stringify(details.authorities)} does not run through Developer ID Certification Authority to Apple Root CA`);
  }
  if (!details.timestamp) problems.push('no secure timestamp (Timestamp=): notarization rejects signatures without one');
  return { problems, notes: [`${details.identifier} · team ${details.teamId} · flags ${details.flags.join(',')} · ${leaf ?? ''}`] };
}

function main(): void {
  const { values } = parseArgs({ options: { app: { type: 'string' }, file: { type: 'string' }, team: { type: 'string' } } });
  if (!values.app && !values.file) throw new Error('pass --app (or --file with a recorded `codesign -dv --verbose=4` output)');
  const output = values.file ? readFileSync(values.file, 'utf8') : runTool('codesign', ['-dv', '--verbose=4', values.app ?? '']).text;
  reportCheck('code signature', checkSignature(parseSignatureDetails(output), { appId: APP_ID, teamId: values.team ?? process.env.APPLE_TEAM_ID ?? '' }));
}

if (isEntryPoint(import.meta.url)) main();
