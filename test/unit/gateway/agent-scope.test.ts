import { expect, test } from 'vitest';
import { APPROVAL_SESSION_IDLE_MS, APPROVAL_SESSION_MAX_MS } from '../../../src/shared/approval.js';
import type { GatewayMapping } from '../../../src/shared/gateway-config.js';
import { AgentScope } from '../../../src/gateway/agent-scope.js';
import { matchRule, MappingTable } from '../../../src/gateway/mapping-table.js';
import { matchRequest } from '../../../src/gateway/rule-match.js';
import { pathUnder, PathPrefix, mappingName } from '../../../src/shared/mapping-path.js';

const m = (id: string, path?: string, methods?: string[]): GatewayMapping => ({
  id,
  host: 'api.example.com',
  port: 443,
  rule: { type: 'bearer' },
  ...(path ? { path } : {}),
  ...(methods ? { methods } : {}),
});

test('longest prefix wins, then a method match; prefixes end at a segment', () => {
  const t = new MappingTable([m('any'), m('v1', '/v1'), m('v1-files', '/v1/files'), m('v1-get', '/v1', ['GET'])]);
  const rules = t.rulesFor('api.example.com', 443)!;
  expect(matchRule(rules, 'GET', '/v1/files/x')?.id).toBe('v1-files');
  expect(matchRule(rules, 'GET', '/v1/models')?.id).toBe('v1-get');
  expect(matchRule(rules, 'POST', '/v1/models')?.id).toBe('v1');
  expect(matchRule(rules, 'GET', '/v10')?.id).toBe('any');
  expect(pathUnder('/v1', '/v1')).toBe(true);
  expect(pathUnder('/v1x', '/v1')).toBe(false);
});

test('dot segments are resolved before matching, and the resolved path is what goes upstream', () => {
  const rules = new MappingTable([m('v1', '/v1')]).rulesFor('api.example.com', 443)!;
  expect(matchRequest(rules, 'GET', '/v1/../admin')).toEqual({ mapping: undefined, path: '/v1/../admin' });
  expect(matchRequest(rules, 'GET', '/x/%2E%2E/v1/a?q=1')).toMatchObject({ mapping: { id: 'v1' }, path: '/v1/a?q=1' });
  expect(matchRequest(rules, 'GET', '*').mapping).toBeUndefined();
});

test('two mappings with the same host, path and methods are refused', () => {
  expect(() => new MappingTable([m('a', '/v1', ['GET', 'POST']), m('b', '/v1', ['POST', 'GET'])])).toThrow(/same methods/);
});

test.each([
  ['v1/files', '/v1/files'],
  ['/v1/', '/v1'],
  ['/', '/'],
])('path prefix %j is stored as %j', (input, stored) => {
  expect(PathPrefix.parse(input)).toBe(stored);
});

test.each(['/v1/../admin', '//evil', '/a?b', '/a%2fb', '/a b', '/a\\b'])('path prefix %j is refused', (input) => {
  expect(PathPrefix.safeParse(input).success).toBe(false);
});

test('mapping names', () => {
  expect(mappingName('api.github.com')).toBe('api.github.com');
  expect(mappingName('api.github.com', '/repos')).toBe('api.github.com/repos');
});

test('a session approval ends after 10 minutes without use and after 12 hours in any case', async () => {
  let now = 1_000_000;
  let asked = 0;
  const scope = new AgentScope(async () => (asked++, { decision: 'session' }), { now: () => now });
  const agent = { name: 'claude', key: 'k' };
  const policy = { allow: undefined, ask: true, approved: new Set<string>(), egress: undefined };
  const mapping = m('api.example.com');
  expect(await scope.check(agent, policy, mapping)).toEqual({ ok: true });
  expect(asked).toBe(1);
  // Used every 9 minutes: stays approved until the 12-hour limit.
  for (now += 9 * 60_000; now < 1_000_000 + APPROVAL_SESSION_MAX_MS; now += 9 * 60_000) expect(scope.check(agent, policy, mapping)).toEqual({ ok: true });
  expect(asked).toBe(1);
  await scope.check(agent, policy, mapping);
  expect(asked).toBe(2);
  now += APPROVAL_SESSION_IDLE_MS + 1;
  await scope.check(agent, policy, mapping);
  expect(asked).toBe(3);
});

test('outside the scope: not_permitted, and no question asked', () => {
  const scope = new AgentScope(async () => ({ decision: 'session' }));
  const r = scope.check(
    { name: 'ci', key: 'k' },
    { allow: new Set(['other']), ask: true, approved: new Set<string>(), egress: undefined },
    m('api.example.com'),
  );
  expect(r).toMatchObject({ ok: false, code: 'not_permitted' });
});
