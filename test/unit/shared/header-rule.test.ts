import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  HeaderName,
  HeaderRule,
  ValueTemplate,
  defaultHeaderRule,
  headerNameProblem,
  headerRuleFrom,
  ruleHeaderName,
  valueTemplateProblem,
} from '../../../src/shared/header-rule.js';
import { writeCredential } from '../../../src/gateway/header-rules.js';
import type { HeaderRule as Rule } from '../../../src/shared/header-rule.js';

const injectedHeader = (rule: Rule, value: string) => writeCredential(rule, [value]).headers[0] ?? ['', ''];

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

describe('one rule, one sentence: what the core, the UI and config files all say', () => {
  test.each([
    ['x-api-key', undefined],
    ['X-Goog-Api-Key', undefined],
    ["a!#$%&'*+.^_`|~z", undefined],
    ['x key', 'the header must be an HTTP header name such as x-api-key (letters, digits and dashes; no spaces or colons)'],
    ['x-key:', 'the header must be an HTTP header name such as x-api-key (letters, digits and dashes; no spaces or colons)'],
    ['', 'the header must be an HTTP header name such as x-api-key (letters, digits and dashes; no spaces or colons)'],
    ['Ünï', 'the header must be an HTTP header name such as x-api-key (letters, digits and dashes; no spaces or colons)'],
  ])('header %j', (name, problem) => {
    expect(headerNameProblem(name)).toBe(problem);
    expect(HeaderName.safeParse(name).success).toBe(problem === undefined);
  });

  test.each([
    ['Bearer {value}', undefined],
    ['{value}', undefined],
    ['Bearer', 'the template must contain {value}, such as "Bearer {value}"'],
    ['', 'the template must contain {value}, such as "Bearer {value}"'],
    [
      'Bearer {value}\r\nX-Injected: 1',
      'the template must be sendable in an HTTP header as written, but it contains a line break (CR/LF) at position 15 of 29',
    ],
    [
      'Tökén {value}',
      'the template must be sendable in an HTTP header as written, but it contains a character outside printable ASCII (U+00F6) at position 2 of 13',
    ],
    [' {value}', 'the template must be sendable in an HTTP header as written, but it starts or ends with a space'],
    [`{value}${'x'.repeat(200)}`, 'the template must be at most 200 characters long'],
  ])('template %j', (template, problem) => {
    expect(valueTemplateProblem(template)).toBe(problem);
    expect(ValueTemplate.safeParse(template).success).toBe(problem === undefined);
  });

  test('a settings file or config file is held to the same schemas', () => {
    expect(HeaderRule.safeParse({ type: 'custom', header: 'x key', template: '{value}' }).error?.issues[0]?.message).toBe(
      headerNameProblem('x key')?.replace(/^the header /, ''),
    );
    expect(HeaderRule.safeParse({ type: 'custom', header: 'x-key', template: 'Bearer' }).error?.issues[0]?.message).toBe(
      valueTemplateProblem('Bearer')?.replace(/^the template /, ''),
    );
  });

  test('nothing else in src/ or renderer/ spells the header-name rule or the template check', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
      );
    const copies = [...files('src'), ...files('renderer/src')]
      // credential-shapes.ts holds the Basic template's own rule (where {value} stands in user:password).
      .filter((f) => f !== path.join('src', 'shared', 'header-rule.ts') && f !== path.join('src', 'shared', 'credential-shapes.ts'))
      .filter((f) => {
        const text = readFileSync(path.join(root, f), 'utf8');
        return text.includes("[!#$%&'*+.^_`|~0-9A-Za-z-]") || /includes\(['"]\{value\}['"]\)/.test(text);
      });
    expect(copies).toEqual([]);
  });
});
