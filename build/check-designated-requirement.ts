/**
 * Checks the designated requirement (DR) of a signed OneCLI.app: the code requirement TCC stores
 * with a Full Disk Access grant and the keychain stores in each item's ACL. It must name our
 * bundle id and our Team ID under a Developer ID chain, never a cdhash, and it must match the
 * previous release's, or every user loses the grant at the update.
 *
 *   npx tsx build/check-designated-requirement.ts --app release/mac-arm64/OneCLI.app --team ABCDE12345 \
 *     [--previous-app previous/OneCLI.app | --previous-file previous-dr.txt]
 *
 * The output parsed is `codesign -d -r- <app>` (docs/macos.md; formats: reference/macos-app.md §1).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { APP_ID } from '../src/shared/product.js';
import { isEntryPoint, reportCheck, type CheckResult } from './report-check.js';
import { runTool } from './run-tool.js';

/** Apple's marker extensions: the Developer ID intermediate CA, and a Developer ID Application leaf. */
export const DEVELOPER_ID_CA_OID = '1.2.840.113635.100.6.2.6';
export const DEVELOPER_ID_APPLICATION_OID = '1.2.840.113635.100.6.1.13';

const TEAM_ID = /^[A-Z0-9]{10}$/;

export interface DesignatedRequirement {
  /** The requirement text after `designated =>`. */
  readonly text: string;
  /** `# designated =>`: codesign derived it because none is embedded (ad-hoc and linker-signed code). */
  readonly implicit: boolean;
  readonly identifier: string | undefined;
  readonly teamId: string | undefined;
  /** A cdhash requirement matches one build only. */
  readonly cdhash: boolean;
  readonly anchorAppleGeneric: boolean;
  readonly developerIdCa: boolean;
  readonly developerIdApplication: boolean;
}

export type ParsedRequirement = { readonly ok: true; readonly dr: DesignatedRequirement } | { readonly ok: false; readonly error: string };

function escapeOid(oid: string): string {
  return oid.replaceAll('.', '\\.');
}

/** Parses what `codesign -d -r- APP` prints (stderr and stdout together). */
export function parseDesignatedRequirement(output: string): ParsedRequirement {
  if (/code object is not signed at all/i.test(output)) return { ok: false, error: 'the app is not signed at all' };
  const line = output.split(/\r?\n/).find((l) => /^\s*(#\s*)?designated\s*=>/.test(l));
  if (!line) return { ok: false, error: 'codesign printed no "designated =>" line' };
  const text = line.replace(/^\s*(#\s*)?designated\s*=>\s*/, '').trim();
  const identifier = /(?:^|[\s(])identifier\s+(?:"([^"]+)"|([A-Za-z0-9._-]+))/.exec(text);
  const team = /certificate\s+leaf\s*\[\s*subject\.OU\s*\]\s*=\s*(?:"([^"]*)"|([A-Za-z0-9]+))/.exec(text);
  return {
    ok: true,
    dr: {
      text,
      implicit: /^\s*#/.test(line),
      identifier: identifier ? (identifier[1] ?? identifier[2]) : undefined,
      teamId: team ? (team[1] ?? team[2]) : undefined,
      cdhash: /\bcdhash\s+H"/.test(text),
      anchorAppleGeneric: /\banchor\s+apple\s+generic\b/.test(text),
      developerIdCa: new RegExp(`certificate\\s+1\\s*\\[\\s*field\\.${escapeOid(DEVELOPER_ID_CA_OID)}\\s*\\]`).test(text),
      developerIdApplication: new RegExp(`certificate\\s+leaf\\s*\\[\\s*field\\.${escapeOid(DEVELOPER_ID_APPLICATION_OID)}\\s*\\]`).test(text),
    },
  };
}

export interface Expected {
  readonly appId: string;
  readonly teamId: string;
}

/** What must hold for the DR of a release build. */
export function checkRequirement(parsed: ParsedRequirement, expected: Expected): CheckResult {
  if (!TEAM_ID.test(expected.teamId))
    return { problems: [`the expected Team ID "${expected.teamId}" is not 10 letters or digits (set APPLE_TEAM_ID or pass --team)`] };
  if (!parsed.ok) return { problems: [parsed.error] };
  const { dr } = parsed;
  if (dr.cdhash) {
    return {
      problems: [
        `the DR is a cdhash (${dr.text}${dr.implicit ? ', implicit' : ''}): the build is ad-hoc or linker-signed. A cdhash changes with every build, so every update would lose the user's Full Disk Access grant and keychain trust. Release builds must be signed with the Developer ID Application certificate.`,
      ],
    };
  }
  const problems: string[] = [];
  if (dr.identifier !== expected.appId)
    problems.push(
      `the DR names identifier "${dr.identifier ?? '(none)'}", expected "${expected.appId}" (APP_ID in src/shared/product.ts = appId in electron-builder.yml)`,
    );
  if (!dr.anchorAppleGeneric) problems.push('the DR lacks "anchor apple generic": the signature does not chain to Apple');
  if (!dr.developerIdCa || !dr.developerIdApplication) {
    problems.push(
      `the DR lacks the Developer ID markers (certificate 1[field.${DEVELOPER_ID_CA_OID}] and certificate leaf[field.${DEVELOPER_ID_APPLICATION_OID}]): not a Developer ID Application signature (an Apple Development or Mac App Store certificate?)`,
    );
  }
  if (dr.teamId !== expected.teamId)
    problems.push(`the DR names Team ID ${dr.teamId ?? '(none)'}, expected ${expected.teamId}: a new team is a new identity to TCC and the keychain`);
  return { problems, notes: [`designated => ${dr.text}`] };
}

/**
 * A release must keep the previous release's identity: TCC matches the stored csreq against the
 * updated app, so a different identifier or team voids every user's grant at the update.
 */
export function compareWithPrevious(current: ParsedRequirement, previous: ParsedRequirement): CheckResult {
  if (!current.ok) return { problems: [`the new build's DR could not be read: ${current.error}`] };
  if (!previous.ok) return { problems: [`the previous release's DR could not be read: ${previous.error}`] };
  const now = current.dr;
  const before = previous.dr;
  if (before.cdhash)
    return {
      problems: [],
      notes: ['warning: the previous release was ad-hoc signed (cdhash DR); its users held no grant that could survive, so there is nothing to keep'],
    };
  const problems: string[] = [];
  const lost = 'every user upgrading from the previous release would lose their Full Disk Access grant (and the keychain would prompt for OneCLI’s items)';
  if (now.identifier !== before.identifier)
    problems.push(`identifier changed from "${before.identifier ?? '(none)'}" to "${now.identifier ?? '(none)'}": ${lost}`);
  if (now.teamId !== before.teamId) problems.push(`Team ID changed from ${before.teamId ?? '(none)'} to ${now.teamId ?? '(none)'}: ${lost}`);
  if (now.cdhash) problems.push(`the new build is ad-hoc (cdhash DR) where the previous release was Developer ID signed: ${lost}`);
  const notes: string[] = [];
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  if (problems.length === 0 && squash(now.text) !== squash(before.text)) {
    notes.push(
      `warning: the DR text changed with the same identifier and team; TCC matches the old csreq against the new app, so run the manual upgrade test (docs/macos.md) before publishing. previous: ${before.text}`,
    );
  }
  return { problems, notes };
}

function readRequirement(appPath: string | undefined, file: string | undefined): ParsedRequirement {
  if (file) return parseDesignatedRequirement(readFileSync(file, 'utf8'));
  if (!appPath) throw new Error('pass --app (or --file with a recorded `codesign -d -r-` output)');
  return parseDesignatedRequirement(runTool('codesign', ['-d', '-r-', appPath]).text);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      app: { type: 'string' },
      file: { type: 'string' },
      team: { type: 'string' },
      'previous-app': { type: 'string' },
      'previous-file': { type: 'string' },
    },
  });
  const current = readRequirement(values.app, values.file);
  const expected = { appId: APP_ID, teamId: values.team ?? process.env.APPLE_TEAM_ID ?? '' };
  const ok = reportCheck('designated requirement', checkRequirement(current, expected));
  if (values['previous-app'] || values['previous-file']) {
    reportCheck(
      'designated requirement unchanged since the previous release',
      compareWithPrevious(current, readRequirement(values['previous-app'], values['previous-file'])),
    );
  } else if (ok) {
    console.log('  no previous release given: nothing to compare (first release?)');
  }
}

if (isEntryPoint(import.meta.url)) main();
