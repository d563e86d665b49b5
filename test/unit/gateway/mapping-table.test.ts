import { expect, test } from 'vitest';
import { MappingTable } from '../../../src/gateway/mapping-table.js';
import type { GatewayMapping } from '../../../src/shared/gateway-config.js';

const m = (id: string, host: string, port = 443, route?: string): GatewayMapping => ({ id, host, port, rule: { type: 'bearer' }, ...(route ? { route } : {}) });

test('exact host and port', () => {
  const t = new MappingTable([m('a', 'api.example.com'), m('b', 'api.example.com', 8443)]);
  expect(t.forAuthority('api.example.com', 443)?.id).toBe('a');
  expect(t.forAuthority('api.example.com', 8443)?.id).toBe('b');
  expect(t.forAuthority('api.example.com', 80)).toBeUndefined();
});

test('a wildcard covers exactly one more label, and an exact mapping wins', () => {
  const t = new MappingTable([m('wild', '*.example.com'), m('exact', 'special.example.com')]);
  expect(t.forAuthority('eu.example.com', 443)?.id).toBe('wild');
  expect(t.forAuthority('special.example.com', 443)?.id).toBe('exact');
  expect(t.forAuthority('a.b.example.com', 443)).toBeUndefined();
  expect(t.forAuthority('example.com', 443)).toBeUndefined();
});

test('routes', () => {
  const t = new MappingTable([m('a', 'api.anthropic.com', 443, 'anthropic')]);
  expect(t.forRoute('anthropic')?.id).toBe('a');
  expect(t.forRoute('openai')).toBeUndefined();
});

test('duplicates are refused with a message that says what to do', () => {
  expect(() => new MappingTable([m('a', 'h.example'), m('b', 'h.example')])).toThrow(/two mappings for h.example:443/);
  expect(() => new MappingTable([m('a', 'a.example', 443, 'r'), m('b', 'b.example', 443, 'r')])).toThrow(/route "r"/);
});

test('10,000 mappings: lookups stay exact', () => {
  const many = Array.from({ length: 10_000 }, (_, i) => m(`m${i}`, `host-${i}.example.com`));
  const t = new MappingTable(many);
  expect(t.forAuthority('host-9999.example.com', 443)?.id).toBe('m9999');
  expect(t.size).toBe(10_000);
});
