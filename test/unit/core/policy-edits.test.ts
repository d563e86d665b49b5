import { describe, expect, test } from 'vitest';
import { DenialExpiry, DENIAL_WINDOW_MS, recentDenials } from '../../../src/core/policy/policy-denials.js';
import { blockRuleOf, editBlocks, editEgress, editLimits } from '../../../src/core/policy/policy-edits.js';
import type { ActivityEntry } from '../../../src/shared/gateway-messages.js';

const open = { mode: 'open' as const, hosts: [] };

describe('egress edits', () => {
  test('hosts are stored canonical, each once; presets add their hosts; the mode is kept unless given', () => {
    const next = editEgress(open, { add: ['Registry.NPMJS.org.', 'registry.npmjs.org', '*.Example.com', '10.0.0.5:8443'] }, 'ci');
    expect(next).toEqual({ mode: 'open', hosts: ['registry.npmjs.org', '*.example.com', '10.0.0.5:8443'] });
    const withPreset = editEgress(next, { mode: 'allowlist', presets: ['github'] }, 'ci');
    expect(withPreset.mode).toBe('allowlist');
    expect(withPreset.hosts).toEqual(expect.arrayContaining(['github.com', '*.githubusercontent.com', 'registry.npmjs.org']));
    expect(editEgress(withPreset, { remove: ['GITHUB.com'] }, 'ci').hosts).not.toContain('github.com');
  });

  test.each([
    ['https://paste.example', /not an egress entry/],
    ['paste.example/upload', /not an egress entry/],
    ['user@paste.example', /not an egress entry/],
    ['*.10.0.0.1', /not an egress entry/],
    ['a\u0000b', /"a\?b" is not an egress entry/],
  ])('%j is refused with what an entry is', (raw, message) => {
    expect(() => editEgress(open, { add: [raw] }, 'ci')).toThrow(message);
  });

  test('removing a host that is not listed says so (a typo is not silently ignored); an unknown preset names the known ones', () => {
    expect(() => editEgress({ mode: 'allowlist', hosts: ['a.example'] }, { remove: ['b.example'] }, 'ci')).toThrow(
      /b\.example is not on ci's egress list \(it holds a\.example\)/,
    );
    expect(() => editEgress(open, { presets: ['all'] }, 'ci')).toThrow(/presets are providers, registries, github/);
  });
});

describe('rate limit edits', () => {
  test('one limit per target and period: a new one replaces it; off takes a target (or one period) off', () => {
    let limits = editLimits([], { max: 10, per: 'minute' }, 'ci');
    limits = editLimits(limits, { max: 20, per: 'minute' }, 'ci');
    limits = editLimits(limits, { max: 500, per: 'day' }, 'ci');
    limits = editLimits(limits, { mapping: 'api.openai.com', max: 5, per: 'minute' }, 'ci');
    expect(limits).toEqual([
      { max: 20, per: 'minute' },
      { max: 500, per: 'day' },
      { mapping: 'api.openai.com', max: 5, per: 'minute' },
    ]);
    expect(editLimits(limits, { off: true, per: 'day' }, 'ci')).toHaveLength(2);
    expect(editLimits(limits, { off: true }, 'ci')).toEqual([{ mapping: 'api.openai.com', max: 5, per: 'minute' }]);
    expect(() => editLimits(limits, { mapping: 'api.github.com', off: true }, 'ci')).toThrow(/ci has no limit on api\.github\.com/);
    expect(() => editLimits(limits, { max: 0, per: 'hour' }, 'ci')).toThrow(/whole number/);
  });
});

describe('block rule edits', () => {
  test('methods upper case, each once, in any order the same rule; a path canonical; nothing left is none', () => {
    expect(blockRuleOf({ methods: ['post,put', 'POST'], path: 'v1/files/' })).toEqual({ methods: ['POST', 'PUT'], path: '/v1/files' });
    const rules = editBlocks(undefined, { add: [{ methods: ['PUT', 'POST'] }, { methods: ['DELETE'] }] }, 'm');
    expect(editBlocks(rules, { add: [{ methods: ['POST', 'PUT'] }] }, 'm')).toHaveLength(2);
    expect(editBlocks(rules, { remove: [{ methods: ['post', 'put'] }] }, 'm')).toEqual([{ methods: ['DELETE'] }]);
    expect(editBlocks(rules, { clear: true }, 'm')).toBeUndefined();
    expect(() => editBlocks(rules, { remove: [{ path: '/admin' }] }, 'm')).toThrow(/m has no block rule \* \/admin/);
    expect(() => blockRuleOf({})).toThrow(/needs methods, a path, or both|cannot be kept/);
    expect(() => blockRuleOf({ path: '/a/%2e%2e/b' })).toThrow(/its path must not encode/);
    expect(() => blockRuleOf({ methods: ['GET /x'] })).toThrow(/its methods must be an HTTP method/);
  });
});

describe('recent policy denials', () => {
  const now = 1_800_000_000_000;
  const entry = (over: Partial<ActivityEntry>): ActivityEntry => ({
    at: now - 1_000,
    agent: 'claude',
    door: 'tunnel',
    method: 'CONNECT',
    host: 'paste.example',
    mapping: null,
    status: 403,
    ms: 1,
    error: 'egress_denied',
    decision: 'egress_denied',
    ...over,
  });

  test('one per agent, host and decision, counted, latest first; each with its one-click fix where there is one', () => {
    const denials = recentDenials(
      [
        entry({ at: now - 3_000 }),
        entry({ at: now - 2_000 }),
        entry({ host: 'api.example:8443', at: now - 2_500 }),
        entry({ host: 'api.openai.com', mapping: 'api.openai.com', decision: 'not_permitted', error: 'not_permitted', at: now - 1_500 }),
        entry({ host: 'api.openai.com', mapping: 'api.openai.com', decision: 'rate_limited', error: 'rate_limited_by_policy', rule: '10/minute' }),
        entry({ decision: 'injected', error: undefined, status: 200 }),
        entry({ decision: 'denied', error: 'denied' }),
        entry({ at: now - DENIAL_WINDOW_MS - 1 }),
        entry({ agent: null }),
      ],
      now,
    );
    expect(denials).toEqual([
      expect.objectContaining({ decision: 'rate_limited', rule: '10/minute', count: 1 }),
      expect.objectContaining({ decision: 'not_permitted', fix: { kind: 'allow-mapping', agent: 'claude', mapping: 'api.openai.com' } }),
      expect.objectContaining({ host: 'paste.example', count: 2, at: now - 2_000, fix: { kind: 'allow-egress', agent: 'claude', host: 'paste.example' } }),
      expect.objectContaining({ host: 'api.example:8443', fix: { kind: 'allow-egress', agent: 'claude', host: 'api.example:8443' } }),
    ]);
    expect(denials[0]).not.toHaveProperty('fix');
  });

  test('a host that is no valid entry gets no fix; an agent probing a thousand hosts fills five rows, not the card', () => {
    expect(recentDenials([entry({ host: '(invalid)' })], now)[0]).not.toHaveProperty('fix');
    expect(recentDenials([entry({ host: 'paste.example:443' })], now)[0]?.fix).toEqual({ kind: 'allow-egress', agent: 'claude', host: 'paste.example' });
    const flood = Array.from({ length: 1000 }, (_, i) => entry({ host: `h${i}.example`, at: now - 1000 + i }));
    expect(recentDenials(flood, now).map((d) => d.host)).toEqual(['h999.example', 'h998.example', 'h997.example', 'h996.example', 'h995.example']);
  });

  test('the expiry re-announces status once the oldest listed refusal leaves the window', async () => {
    let fired = 0;
    const expiry = new DenialExpiry(() => fired++);
    const at = Date.now() - DENIAL_WINDOW_MS + 50; // expires in 50 ms; the timer waits at least a second
    expiry.watch([{ agent: 'a', host: 'h', mapping: null, decision: 'egress_denied', at, count: 1 }], Date.now());
    await new Promise((r) => setTimeout(r, 1_300));
    expect(fired).toBe(1);
    expiry.watch([], Date.now());
    expiry.stop();
  });
});
