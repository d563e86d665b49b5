import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { checkSignature, parseSignatureDetails } from '../../../build/check-code-signature.js';
import { APP_ID } from '../../../src/shared/product.js';
import { ROOT } from './builder-config.js';

const recorded = (name: string) => parseSignatureDetails(readFileSync(path.join(ROOT, 'test/fixtures/codesign', name), 'utf8'));
const ours = { appId: APP_ID, teamId: 'K7QH3MR9X2' };

test('parses a Developer ID signature: identifier, team, runtime flag, chain, secure timestamp', () => {
  expect(recorded('dv-developer-id.txt')).toEqual({
    signed: true,
    identifier: 'sh.onecli.launcher',
    teamId: 'K7QH3MR9X2',
    flags: ['runtime'],
    authorities: ['Developer ID Application: OneCLI Example (K7QH3MR9X2)', 'Developer ID Certification Authority', 'Apple Root CA'],
    timestamp: '25 Nov 2026 at 09:14:07',
    adhoc: false,
  });
  expect(checkSignature(recorded('dv-developer-id.txt'), ours).problems).toEqual([]);
});

test('ad-hoc is refused before anything else', () => {
  const details = recorded('dv-adhoc.txt');
  expect(details).toMatchObject({ adhoc: true, teamId: undefined, flags: ['adhoc'] });
  expect(checkSignature(details, ours).problems).toEqual([expect.stringMatching(/^the app is ad-hoc signed \(flags adhoc\)/)]);
});

test('another team’s certificate fails on the team and on the leaf', () => {
  expect(checkSignature(recorded('dv-wrong-team.txt'), ours).problems).toEqual([
    'TeamIdentifier=2ZX8WY7V6U, expected K7QH3MR9X2',
    'the leaf certificate is "Developer ID Application: Someone Else Ltd (2ZX8WY7V6U)", expected "Developer ID Application: … (K7QH3MR9X2)"',
  ]);
});

test('without the hardened runtime or a secure timestamp, notarization would fail: both are reported', () => {
  const text = readFileSync(path.join(ROOT, 'test/fixtures/codesign/dv-developer-id.txt'), 'utf8')
    .replace('flags=0x10000(runtime)', 'flags=0x0(none)')
    .replace(/^Timestamp=.*$/m, 'Signed Time=25 Nov 2026 at 09:14:07');
  expect(checkSignature(parseSignatureDetails(text), ours).problems).toEqual([
    expect.stringContaining('hardened runtime flag is missing'),
    expect.stringContaining('no secure timestamp'),
  ]);
});

test('an unsigned app is reported as such', () => {
  expect(checkSignature(parseSignatureDetails('OneCLI.app: code object is not signed at all\n'), ours).problems).toEqual(['the app is not signed']);
});
