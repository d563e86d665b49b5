/** Red team of issue 12: path tricks never give a path rule's credential to a path outside its prefix. */
import { describe, expect, test } from 'vitest';
import type { GatewayMapping } from '../../../src/shared/gateway-config.js';
import { MappingTable } from '../../../src/gateway/mapping-table.js';
import { matchRequest } from '../../../src/gateway/rule-match.js';

const rule = { type: 'x-api-key' } as const;
const table = new MappingTable([
  { id: 'h', host: 'h', port: 443, rule },
  { id: 'h/repos', host: 'h', port: 443, rule, path: '/repos' },
  { id: 'h/repos#GET', host: 'h', port: 443, rule, path: '/repos', methods: ['GET'] },
  { id: 'o/v1', host: 'o', port: 443, rule, path: '/v1' },
] satisfies GatewayMapping[]);
const h = table.rulesFor('h', 443)!;
const o = table.rulesFor('o', 443)!;

describe('path tricks', () => {
  test.each([
    ['GET', '/repos-admin', 'h'],
    ['GET', '/reposx/y', 'h'],
    ['GET', '/REPOS/x', 'h'],
    ['GET', '/repos/../admin', 'h'],
    ['GET', '/repos/%2e%2e/admin', 'h'],
    ['GET', '/repos/..%2Fadmin', 'h'],
    ['GET', '/repos/..%2fadmin', 'h'],
    ['GET', '/repos/..%5Cadmin', 'h'],
    ['GET', '/repos\\..\\admin', 'h'],
    ['GET', '/repos/..;/admin', 'h'],
    ['GET', '/repos/%252e%252e/admin', 'h'],
    ['get', '/repos/x', 'h/repos'],
    ['HEAD', '/repos/x', 'h/repos'],
    ['OPTIONS', '/repos/x', 'h/repos'],
    ['GET', '/repos/', 'h/repos#GET'],
    ['GET', '/repos//x', 'h/repos#GET'],
    ['GET', '/repos/a%2Fb', 'h/repos#GET'],
  ])('%s %s gets %s', (method, target, id) => {
    expect(matchRequest(h, method, target).mapping?.id).toBe(id);
  });

  test.each(['/v1/..%2Fadmin', '/v1/..;/admin', '/v1/%2e%2e%2fadmin', '/v10', '/v1x', '//v1/x', '/V1/x', '/v1/..%252Fadmin'])(
    'a host with only a path rule: %s gets no credential',
    (target) => {
      expect(matchRequest(o, 'GET', target).mapping).toBeUndefined();
    },
  );

  test('what is sent is what was matched', () => {
    expect(matchRequest(o, 'GET', '/x/../v1/models?a=1')).toEqual({ mapping: o[0], path: '/v1/models?a=1' });
    expect(matchRequest(o, 'GET', '/v1/a%2Fb').mapping?.id).toBe('o/v1');
  });
});
