import { describe, expect, test } from 'vitest';
import { AgentAuth, policyNarrowed } from '../../../src/gateway/agent-auth.js';

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

test('the base-URL door takes x-api-key, x-goog-api-key (@google/genai) or Authorization: Bearer', () => {
  expect(auth.fromApiKeyHeaders('tok-claude-0123456789', undefined)).toBe('claude');
  expect(auth.fromApiKeyHeaders(undefined, 'Bearer tok-codex-0123456789')).toBe('codex');
  expect(auth.fromApiKeyHeaders(undefined, undefined, 'tok-codex-0123456789')).toBe('codex');
  expect(auth.fromApiKeyHeaders(undefined, 'Basic tok-codex-0123456789')).toBeUndefined();
  expect(auth.fromApiKeyHeaders('sk-ant-real-key', undefined)).toBeUndefined();
  expect(auth.fromApiKeyHeaders(undefined, undefined, 'AIza-real-google-key')).toBeUndefined();
});

test('revoking an agent takes effect at once', () => {
  const a = new AgentAuth([{ name: 'a', token: 'tok-aaaaaaaaaaaaaaaa' }]);
  a.set([]);
  expect(a.verify('tok-aaaaaaaaaaaaaaaa')).toBeUndefined();
});

describe('which session approvals end when the agents change (issue 12)', () => {
  const asker = { name: 'claude', token: 'tok-claude-0000000000000', ask: true, approved: ['a.example'] };
  const other = { name: 'ci', token: 'tok-ci-000000000000000000', ask: true };
  const keyOf = (auth: AgentAuth, token: string) => auth.identify(token)!.key;

  test('only agents whose token went or whose policy now grants less', () => {
    const auth = new AgentAuth([asker, other]);
    const ci = keyOf(auth, other.token);
    const claude = keyOf(auth, asker.token);
    // A new "always" for claude: nobody's sessions end (the ci agent keeps its approvals).
    expect(auth.set([{ ...asker, approved: ['a.example', 'b.example'] }, other])).toEqual([]);
    // claude loses an "always": its sessions end, ci's stay.
    expect(auth.set([asker, other])).toEqual([claude]);
    // ci is revoked: its sessions end.
    expect(auth.set([asker])).toEqual([ci]);
  });

  test.each([
    ['asks where it did not', { ask: false }, { ask: true }, true],
    ['stops asking', { ask: true }, { ask: false }, false],
    ['a wider scope', { allow: ['a'] }, { allow: ['a', 'b'] }, false],
    ['every mapping to a list', {}, { allow: ['a'] }, true],
    ['a mapping out of scope', { allow: ['a', 'b'] }, { allow: ['a'] }, true],
    ['an "always" taken back', { approved: ['a'] }, { approved: [] }, true],
  ])('%s → narrowed: %s', (_what, before, after, narrowed) => {
    const policy = (p: { ask?: boolean; allow?: string[]; approved?: string[] }) => ({
      ask: p.ask ?? true,
      allow: p.allow ? new Set(p.allow) : undefined,
      approved: new Set(p.approved ?? []),
      egress: undefined,
    });
    expect(policyNarrowed(policy(before), policy(after))).toBe(narrowed);
  });
});
