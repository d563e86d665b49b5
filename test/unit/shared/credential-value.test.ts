import { expect, test } from 'vitest';
import { credentialValueProblem } from '../../../src/shared/credential-value.js';
import { HeaderRule, ValueTemplate } from '../../../src/shared/header-rule.js';

test.each([
  ['sk-ant-api03-abc_DEF-123', undefined],
  ['key with an inner space', undefined],
  ['', /is empty/],
  ['sk-a\nb', /line break \(CR\/LF\) at position 5 of 6 \(a key pasted with a newline\?\)/],
  ['sk-pasted\n', /line break \(CR\/LF\) at its end/],
  ['sk-two\n\n', /line break/],
  ['sk-\r\nX-Injected: 1', /line break/],
  ['sk-€-key', /outside printable ASCII \(U\+20AC\)/],
  ['sk-é-key', /outside printable ASCII \(U\+00E9\)/],
  ['sk-\u0000', /control character \(U\+0000\)/],
  ['sk-\tkey', /a tab/],
  [' sk-key', /starts or ends with a space/],
  ['x'.repeat(9_000), /at most 8192/],
])('%j → %s', (value, problem) => {
  const found = credentialValueProblem(value);
  if (problem === undefined) expect(found).toBeUndefined();
  else expect(found).toMatch(problem);
});

test('a problem never quotes the value', () => {
  expect(credentialValueProblem('sk-secret-part\nrest')).not.toContain('secret');
});

test('templates must be sendable in a header', () => {
  expect(ValueTemplate.safeParse('Bearer {value}').success).toBe(true);
  expect(ValueTemplate.safeParse('Bearer {value}\r\nX-Evil: 1').success).toBe(false);
  expect(ValueTemplate.safeParse('Tökén {value}').success).toBe(false);
  expect(HeaderRule.safeParse({ type: 'custom', header: 'x-key', template: '{value}\n' }).success).toBe(false);
});
