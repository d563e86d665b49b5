import { expect, test } from 'vitest';
import { RateLimiter } from '../../../src/shared/rate-limits.js';
import { RateCounterStore } from '../../../src/core/supervisor/rate-counters.js';
import type { RateCounter } from '../../../src/shared/agent-policy.js';

const MINUTE = 60_000;
/** 10:00:00 UTC on some day: windows of every period start here. */
const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

function limiter(now: { t: number }, sink?: (c: RateCounter[]) => void) {
  return new RateLimiter(sink, { now: () => now.t }, 1_000);
}

test('N per minute: the N+1st is refused with the seconds left in the window, then the next window counts from 0', () => {
  const now = { t: T0 + 15_000 };
  const rl = limiter(now);
  rl.configure([{ name: 'claude', limits: [{ max: 3, per: 'minute' }] }]);
  for (let i = 0; i < 3; i++) expect(rl.take('claude', null)).toBeUndefined();
  expect(rl.take('claude', 'any-mapping')).toEqual({ retryAfter: 45, limit: '3/minute' });
  now.t = T0 + 59_500;
  expect(rl.take('claude', null)).toEqual({ retryAfter: 1, limit: '3/minute' });
  now.t = T0 + MINUTE;
  expect(rl.take('claude', null)).toBeUndefined();
});

test('a per-mapping limit counts only that mapping; a refused request counts against nothing', () => {
  const now = { t: T0 };
  const rl = limiter(now);
  rl.configure([
    {
      name: 'ci',
      limits: [
        { max: 5, per: 'hour' },
        { mapping: 'openai', max: 2, per: 'minute' },
      ],
    },
  ]);
  expect(rl.take('ci', 'openai')).toBeUndefined();
  expect(rl.take('ci', 'openai')).toBeUndefined();
  expect(rl.take('ci', 'openai')).toMatchObject({ limit: '2/minute on openai', retryAfter: 60 });
  expect(rl.take('ci', 'github')).toBeUndefined();
  expect(rl.take('ci', null)).toBeUndefined();
  expect(rl.take('ci', null)).toBeUndefined();
  // 5 counted (2 openai, 1 github, 2 unmapped): the refused openai request used up nothing.
  expect(rl.take('ci', null)).toMatchObject({ limit: '5/hour', retryAfter: 3_600 });
  expect(rl.take('other-agent', 'openai')).toBeUndefined();
});

test('per day: windows start at 00:00 UTC', () => {
  const now = { t: T0 };
  const rl = limiter(now);
  rl.configure([{ name: 'a', limits: [{ max: 1, per: 'day' }] }]);
  expect(rl.take('a', null)).toBeUndefined();
  expect(rl.take('a', null)?.retryAfter).toBe(14 * 3_600);
});

test('two limits on one scope and period: the lower wins; a changed limit keeps its count', () => {
  const now = { t: T0 };
  const rl = limiter(now);
  rl.configure([
    {
      name: 'a',
      limits: [
        { max: 5, per: 'minute' },
        { max: 2, per: 'minute' },
      ],
    },
  ]);
  rl.take('a', null);
  rl.take('a', null);
  expect(rl.take('a', null)?.limit).toBe('2/minute');
  rl.configure([{ name: 'a', limits: [{ max: 3, per: 'minute' }] }]);
  expect(rl.take('a', null)).toBeUndefined();
  expect(rl.take('a', null)?.limit).toBe('3/minute');
  rl.configure([{ name: 'a', limits: [] }]);
  expect(rl.take('a', null)).toBeUndefined();
});

test('moved counters are reported once per sync interval, as absolute counts', async () => {
  const now = { t: T0 };
  const reports: RateCounter[][] = [];
  const rl = new RateLimiter((c) => reports.push(c), { now: () => now.t }, 20);
  rl.configure([
    {
      name: 'a',
      limits: [
        { max: 10, per: 'minute' },
        { mapping: 'm', max: 10, per: 'hour' },
      ],
    },
  ]);
  rl.take('a', 'm');
  rl.take('a', null);
  expect(reports).toHaveLength(0); // nothing on the hot path
  await new Promise((r) => setTimeout(r, 60));
  expect(reports).toHaveLength(1);
  expect(reports[0]).toEqual(
    expect.arrayContaining([
      { agent: 'a', mapping: null, per: 'minute', windowStart: T0, count: 2 },
      { agent: 'a', mapping: 'm', per: 'hour', windowStart: T0, count: 1 },
    ]),
  );
  rl.flush();
  expect(reports).toHaveLength(1); // nothing moved since
});

test('a restarted gateway seeded from the launcher goes on counting in the same window, not in a new one', () => {
  const store = new RateCounterStore();
  const now = { t: T0 + 10_000 };
  const first = limiter(now, (c) => store.report(c));
  first.configure([{ name: 'a', limits: [{ max: 3, per: 'minute' }] }]);
  first.take('a', null);
  first.take('a', null);
  first.flush();
  // The gateway dies; the launcher starts another and configures it with its copy.
  now.t = T0 + 20_000;
  const second = limiter(now, (c) => store.report(c));
  second.seed(store.snapshot(now.t));
  second.configure([{ name: 'a', limits: [{ max: 3, per: 'minute' }] }]);
  expect(second.take('a', null)).toBeUndefined();
  expect(second.take('a', null)?.retryAfter).toBe(40);
  // A seed from an ended window is not carried into the next one.
  now.t = T0 + MINUTE + 1;
  const third = limiter(now);
  third.seed(store.snapshot(T0 + 30_000));
  third.configure([{ name: 'a', limits: [{ max: 3, per: 'minute' }] }]);
  for (let i = 0; i < 3; i++) expect(third.take('a', null)).toBeUndefined();
});

test('the launcher keeps the highest count of a window and forgets ended windows', () => {
  const store = new RateCounterStore();
  const c = (count: number, windowStart = T0): RateCounter => ({ agent: 'a', mapping: null, per: 'minute', windowStart, count });
  store.report([c(5)]);
  store.report([c(3)]); // a late, older report
  expect(store.snapshot(T0)).toEqual([c(5)]);
  store.report([c(1, T0 + MINUTE)]);
  expect(store.snapshot(T0 + MINUTE)).toEqual([c(1, T0 + MINUTE)]);
  expect(store.snapshot(T0 + 2 * MINUTE)).toEqual([]);
});

test('agents without limits cost one Map lookup', () => {
  const rl = limiter({ t: T0 });
  rl.configure(Array.from({ length: 100 }, (_, i) => ({ name: `agent-${i}`, limits: [{ max: 1_000_000, per: 'minute' as const }] })));
  expect(rl.take('unlimited', 'x')).toBeUndefined();
  expect(rl.take('agent-7', 'x')).toBeUndefined();
  expect(rl.counters().find((c) => c.agent === 'agent-7')?.count).toBe(1);
});
