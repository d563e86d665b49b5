import { describe, expect, test } from 'vitest';
import { CACHE_TTL_MS, CredentialCache, ttlFor } from '../../../src/shared/credential-cache.js';
import type { ResolveResult } from '../../../src/shared/vault-errors.js';

function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function source(results: ResolveResult[]) {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const fn = (id: string) => {
    calls.push(id);
    const result = results[Math.min(calls.length - 1, results.length - 1)] as ResolveResult;
    if (!gate.hold) return Promise.resolve(result);
    return new Promise<ResolveResult>((r) => (release = () => r(result)));
  };
  return { fn, calls, gate, release: () => release?.() };
}

const ok: ResolveResult = { ok: true, value: 'sk-test' };
const notFound: ResolveResult = { ok: false, code: 'not_found', message: 'no such item' };
const rateLimited: ResolveResult = { ok: false, code: 'rate_limited', message: 'slow down' };

describe('TTL policy', () => {
  test('60 s positive, 30 s negative, 60 s cooldown after a transient failure', () => {
    expect(ttlFor(ok)).toBe(60_000);
    expect(ttlFor(notFound)).toBe(30_000);
    expect(ttlFor({ ok: false, code: 'bad_reference', message: '' })).toBe(30_000);
    expect(ttlFor({ ok: false, code: 'auth_required', message: '' })).toBe(30_000);
    expect(ttlFor(rateLimited)).toBe(60_000);
    expect(ttlFor({ ok: false, code: 'unavailable', message: '' })).toBe(60_000);
  });
});

describe('CredentialCache', () => {
  test('a value is reused for 60 s, then resolved again', async () => {
    const clock = manualClock();
    const src = source([ok]);
    const cache = new CredentialCache(src.fn, clock);
    expect(await cache.get('m')).toEqual(ok);
    expect(cache.lookup('m')).toEqual(ok);
    clock.advance(CACHE_TTL_MS.positive - 1);
    expect(cache.lookup('m')).toEqual(ok);
    clock.advance(2);
    expect(cache.lookup('m')).toBeUndefined();
    await cache.get('m');
    expect(src.calls).toEqual(['m', 'm']);
  });

  test('a not-found is remembered for 30 s', async () => {
    const clock = manualClock();
    const src = source([notFound, ok]);
    const cache = new CredentialCache(src.fn, clock);
    expect(await cache.get('m')).toEqual(notFound);
    clock.advance(29_999);
    expect(cache.get('m')).toEqual(notFound);
    clock.advance(2);
    expect(await cache.get('m')).toEqual(ok);
  });

  test('a rate limit cools down for 60 s before asking again', async () => {
    const clock = manualClock();
    const src = source([rateLimited, ok]);
    const cache = new CredentialCache(src.fn, clock);
    await cache.get('m');
    clock.advance(59_000);
    expect(cache.get('m')).toEqual(rateLimited);
    expect(src.calls).toHaveLength(1);
    clock.advance(1_001);
    expect(await cache.get('m')).toEqual(ok);
  });

  test('concurrent misses share one resolve', async () => {
    const src = source([ok]);
    src.gate.hold = true;
    const cache = new CredentialCache(src.fn, manualClock());
    const all = Promise.all(Array.from({ length: 100 }, () => cache.get('m')));
    src.release();
    expect(new Set(await all).size).toBe(1);
    expect(src.calls).toEqual(['m']);
  });

  test('a resolve invalidated while in flight is not cached', async () => {
    const src = source([ok]);
    src.gate.hold = true;
    const cache = new CredentialCache(src.fn, manualClock());
    const pending = cache.get('m');
    cache.invalidate(['m']);
    src.release();
    expect(await pending).toEqual(ok);
    expect(cache.lookup('m')).toBeUndefined();
  });

  test('a source that throws becomes "unavailable", never an unhandled rejection', async () => {
    const cache = new CredentialCache(() => Promise.reject(new Error('boom')), manualClock());
    expect(await cache.get('m')).toMatchObject({ ok: false, code: 'unavailable' });
  });

  test('bounded: past its size, expired results go first, then the oldest; what is kept still answers', async () => {
    const clock = manualClock();
    const cache = new CredentialCache((id) => Promise.resolve(id.startsWith('hit') ? ok : notFound), clock, 100);
    for (let i = 0; i < 100; i++) await cache.get(`miss-${i}`);
    expect(cache.size).toBe(100);
    clock.advance(CACHE_TTL_MS.negative + 1);
    await cache.get('hit-0');
    expect(cache.size).toBe(1);
    for (let i = 1; i < 250; i++) await cache.get(`hit-${i}`);
    expect(cache.size).toBe(100);
    expect(cache.lookup('hit-0')).toBeUndefined();
    expect(cache.lookup('hit-249')).toEqual(ok);
  });
});
