import { expect, test } from 'vitest';
import { HeaderRule, defaultHeaderRule, headerRuleFrom, ruleHeaderName } from '../../../src/shared/header-rule.js';
import { injectedHeader } from '../../../src/gateway/header-rules.js';

test('defaults follow OneCLI: Anthropic reads x-api-key, everyone else Authorization: Bearer', () => {
  expect(injectedHeader(defaultHeaderRule('api.anthropic.com'), 'v')).toEqual(['x-api-key', 'v']);
  expect(injectedHeader(defaultHeaderRule('api.openai.com'), 'v')).toEqual(['authorization', 'Bearer v']);
});

test('header and template from a config file', () => {
  expect(injectedHeader(headerRuleFrom('h', 'X-Goog-Api-Key'), 'v')).toEqual(['x-goog-api-key', 'v']);
  expect(injectedHeader(headerRuleFrom('h', undefined, 'token {value}'), 'v')).toEqual(['authorization', 'token v']);
  expect(injectedHeader(headerRuleFrom('api.anthropic.com', undefined, 'k-{value}'), 'v')).toEqual(['x-api-key', 'k-v']);
  expect(injectedHeader(headerRuleFrom('h', 'authorization', 'Bearer {value}'), 'v')).toEqual(['authorization', 'Bearer v']);
});

test('a custom rule needs {value} and a valid header name', () => {
  expect(HeaderRule.safeParse({ type: 'custom', header: 'x-key', template: 'static' }).success).toBe(false);
  expect(HeaderRule.safeParse({ type: 'custom', header: 'bad header', template: '{value}' }).success).toBe(false);
  expect(HeaderRule.parse({ type: 'custom', header: 'X-Key', template: '{value}' })).toEqual({ type: 'custom', header: 'x-key', template: '{value}' });
});

test('ruleHeaderName names the header the gateway writes, for every rule kind', () => {
  for (const rule of [{ type: 'bearer' }, { type: 'x-api-key' }, { type: 'custom', header: 'x-goog-api-key', template: 'k {value}' }] as const) {
    expect(ruleHeaderName(rule)).toBe(injectedHeader(rule, 'v')[0]);
  }
});
