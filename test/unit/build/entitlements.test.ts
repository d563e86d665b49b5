import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  checkEntitlements,
  compareEntitlements,
  parseEntitlementsOutput,
  readExpectedEntitlements,
  type SignedCode,
} from '../../../build/check-entitlements.js';
import { ROOT } from './builder-config.js';

const fixture = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/codesign', name), 'utf8');
const expected = readExpectedEntitlements(ROOT);

function signed(app: string, helper: string): SignedCode[] {
  return [
    { label: 'OneCLI.app', role: 'app', entitlements: parseEntitlementsOutput(fixture(app)) },
    { label: 'OneCLI Helper.app', role: 'helper', entitlements: parseEntitlementsOutput(fixture(helper)) },
  ];
}

describe('codesign -d --entitlements - --xml output', () => {
  test('reads the plist codesign prints after the Executable= line', () => {
    expect(parseEntitlementsOutput(fixture('entitlements-app.txt'))).toEqual({
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.cs.allow-unsigned-executable-memory': true,
    });
  });

  test('no plist at all (a helper signed without entitlements) reads as none', () => {
    expect(parseEntitlementsOutput(fixture('entitlements-helper-none.txt'))).toEqual({});
  });
});

describe('the signed app carries exactly the expected entitlements', () => {
  test('the app and helper as we sign them pass', () => {
    expect(checkEntitlements(signed('entitlements-app.txt', 'entitlements-helper.txt'), expected).problems).toEqual([]);
  });

  test('disable-library-validation creeping back in fails, with the reason', () => {
    const { problems } = checkEntitlements(signed('entitlements-app-with-dlv.txt', 'entitlements-helper.txt'), expected);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/OneCLI\.app carries com\.apple\.security\.cs\.disable-library-validation: only the 1Password SDK’s desktop mode/);
  });

  test('a sandboxed app fails on the sandbox, the sandbox-only key and the missing entitlement', () => {
    const { problems } = checkEntitlements(signed('entitlements-app-sandboxed.txt', 'entitlements-helper.txt'), expected);
    expect(problems).toEqual([
      expect.stringMatching(/carries com\.apple\.security\.app-sandbox: .*`op` would run sandboxed/),
      'OneCLI.app: com.apple.security.network.client is true, expected (absent)',
      'OneCLI.app: com.apple.security.cs.allow-unsigned-executable-memory is (absent), expected true',
    ]);
  });

  test('a helper without entitlements fails: the gateway runs V8 in it', () => {
    const { problems } = checkEntitlements(signed('entitlements-app.txt', 'entitlements-helper-none.txt'), expected);
    expect(problems).toEqual([
      'OneCLI Helper.app: com.apple.security.cs.allow-jit is (absent), expected true',
      'OneCLI Helper.app: com.apple.security.cs.allow-unsigned-executable-memory is (absent), expected true',
    ]);
  });

  test('checking no helper at all is itself a failure', () => {
    const [app] = signed('entitlements-app.txt', 'entitlements-helper.txt');
    expect(checkEntitlements(app ? [app] : [], expected).problems).toEqual([expect.stringMatching(/no helper app was found/)]);
  });

  test('a value that is not true counts as a difference', () => {
    expect(compareEntitlements('x', { 'com.apple.security.cs.allow-jit': false }, { 'com.apple.security.cs.allow-jit': true })).toEqual([
      'x: com.apple.security.cs.allow-jit is false, expected true',
    ]);
  });
});
