import { expect, test } from 'vitest';
import { BlockRule, describeBlock } from '../../../src/shared/agent-policy.js';
import type { GatewayMapping } from '../../../src/shared/gateway-config.js';
import { blockingRule, lenientPath } from '../../../src/gateway/block-rules.js';

const mapping = (blocks: unknown[]): GatewayMapping => ({
  id: 'api.example.com',
  host: 'api.example.com',
  port: 443,
  rule: { type: 'bearer' },
  blocks: blocks.map((b) => BlockRule.parse(b)),
});

const FILES = mapping([{ methods: ['post'], path: '/v1/files' }]);
const blocked = (m: GatewayMapping, method: string, target: string, headers: Record<string, string> = {}) =>
  blockingRule(m, method, target, headers) !== undefined;

test('a rule needs methods, a path, or both; methods are upper-cased and named in errors', () => {
  expect(BlockRule.safeParse({}).success).toBe(false);
  expect(BlockRule.parse({ methods: ['delete'] })).toEqual({ methods: ['DELETE'] });
  expect(describeBlock(BlockRule.parse({ methods: ['post'], path: 'v1/files/' }))).toBe('POST /v1/files');
  expect(describeBlock(BlockRule.parse({ path: '/admin' }))).toBe('* /admin');
  expect(BlockRule.safeParse({ path: '/v1/../files' }).success).toBe(false);
});

test('the method and prefix, at a segment boundary; other methods and paths pass', () => {
  expect(blocked(FILES, 'POST', '/v1/files')).toBe(true);
  expect(blocked(FILES, 'POST', '/v1/files/abc?purpose=x')).toBe(true);
  expect(blocked(FILES, 'GET', '/v1/files')).toBe(false);
  expect(blocked(FILES, 'POST', '/v1/filesystem')).toBe(false);
  expect(blocked(FILES, 'POST', '/v1/chat/completions')).toBe(false);
});

test.each([
  ['dot segments', '/v1/../v1/files'],
  ['dot segments in percent-encoding', '/v1/%2e%2e/v1/files'],
  ['a single dot', '/v1/./files'],
  ['percent-encoded letters', '/v1/%66iles'],
  ['double percent-encoding', '/v1/%2566iles'],
  ['an encoded slash', '/v1%2Ffiles'],
  ['a backslash', '/v1\\files'],
  ['repeated slashes', '/v1//files'],
  ['a path parameter', '/v1;x=1/files'],
  ['upper case', '/V1/FILES'],
  ['a trailing slash', '/v1/files/'],
  ['a fragment', '/v1/files#x'],
])('a rule cannot be dodged by %s', (_, target) => {
  expect(blocked(FILES, 'POST', target)).toBe(true);
});

test.each([
  ['x-http-method-override', { 'x-http-method-override': 'delete' }, '/x'],
  ['x-http-method', { 'x-http-method': 'DELETE' }, '/x'],
  ['x-method-override', { 'x-method-override': 'DELETE' }, '/x'],
  ['a _method query parameter', {}, '/x?_method=DELETE'],
])('a method override (%s) is read as the method it names', (_, headers, target) => {
  const m = mapping([{ methods: ['DELETE'] }]);
  expect(blocked(m, 'POST', target, headers)).toBe(true);
  expect(blocked(m, 'POST', '/x')).toBe(false);
});

test('a mapping without rules costs nothing and blocks nothing', () => {
  const m: GatewayMapping = { id: 'a', host: 'a', port: 443, rule: { type: 'bearer' } };
  expect(blockingRule(m, 'DELETE', '/anything', {})).toBeUndefined();
});

test('lenient paths', () => {
  expect(lenientPath('/a/b/../../..')).toBe('/');
  expect(lenientPath('/a/%2e%2E/b')).toBe('/b');
  expect(lenientPath('a/b')).toBe('/a/b');
  expect(lenientPath('/a/b?x=/c')).toBe('/a/b');
});
