import { expect, test } from 'vitest';
import { AgentAuth } from '../../../src/gateway/agent-auth.js';

const auth = new AgentAuth([
  { name: 'claude', token: 'tok-claude-0123456789' },
  { name: 'codex', token: 'tok-codex-0123456789' },
]);
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

test('Proxy-Authorization Basic x:<token> names the agent', () => {
  expect(auth.fromProxyAuthorization(basic('x:tok-codex-0123456789'))).toBe('codex');
  expect(auth.fromProxyAuthorization(basic('anyone:tok-claude-0123456789'))).toBe('claude');
});

test('a token with a colon survives (only the first colon splits)', () => {
  const a = new AgentAuth([{ name: 'a', token: 'tok:with:colons-0123' }]);
  expect(a.fromProxyAuthorization(basic('x:tok:with:colons-0123'))).toBe('a');
});

test.each([undefined, '', 'Bearer tok-codex-0123456789', basic('x:wrong'), basic('x:'), 'Basic !!!', basic('tok-codex-0123456789x')])(
  'refuses %j',
  (header) => {
    expect(auth.fromProxyAuthorization(header)).toBeUndefined();
  },
);

test('the base-URL door takes x-api-key or Authorization: Bearer', () => {
  expect(auth.fromApiKeyHeaders('tok-claude-0123456789', undefined)).toBe('claude');
  expect(auth.fromApiKeyHeaders(undefined, 'Bearer tok-codex-0123456789')).toBe('codex');
  expect(auth.fromApiKeyHeaders(undefined, 'Basic tok-codex-0123456789')).toBeUndefined();
  expect(auth.fromApiKeyHeaders('sk-ant-real-key', undefined)).toBeUndefined();
});

test('revoking an agent takes effect at once', () => {
  const a = new AgentAuth([{ name: 'a', token: 'tok-aaaaaaaaaaaaaaaa' }]);
  a.set([]);
  expect(a.verify('tok-aaaaaaaaaaaaaaaa')).toBeUndefined();
});
