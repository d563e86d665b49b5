import { TRANSIENT_VAULT_ERRORS, type ResolveResult } from './vault-errors.js';

export interface Clock {
  now(): number;
}

/** design.md: 60 s positive, 30 s negative, 60 s cooldown after a transient failure. */
export const CACHE_TTL_MS = { positive: 60_000, negative: 30_000, cooldown: 60_000 } as const;

/** How long a result may be reused. Pure, so the policy is tested without sockets or sleeps. */
export function ttlFor(result: ResolveResult): number {
  if (result.ok) return CACHE_TTL_MS.positive;
  return TRANSIENT_VAULT_ERRORS.has(result.code) ? CACHE_TTL_MS.cooldown : CACHE_TTL_MS.negative;
}

interface Entry {
  readonly result: ResolveResult;
  readonly expiresAt: number;
}

export type ResolveSource = (mappingId: string) => Promise<ResolveResult>;

/**
 * Resolved credentials, in memory only. Concurrent misses for one key share one resolve; a
 * resolve that was invalidated while in flight is not cached. The gateway keys it by mapping id;
 * the core's OneCLI door (src/core/onecli) runs its own, keyed by `op://` reference, so both
 * doors keep values for the same times and back off alike. The door's keys are a caller's, so
 * its cache is bounded (`maxEntries`): when full, expired results go, then the oldest.
 */
export class CredentialCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<ResolveResult>>();
  #generation = 0;

  constructor(
    private readonly source: ResolveSource,
    private readonly clock: Clock = Date,
    private readonly maxEntries = Infinity,
  ) {}

  /** Results kept now, expired ones not yet dropped included. */
  get size(): number {
    return this.#entries.size;
  }

  /** A cached, unexpired result, without waiting: the hot path. */
  lookup(mappingId: string): ResolveResult | undefined {
    const entry = this.#entries.get(mappingId);
    if (!entry) return undefined;
    if (entry.expiresAt > this.clock.now()) return entry.result;
    this.#entries.delete(mappingId);
    return undefined;
  }

  get(mappingId: string): ResolveResult | Promise<ResolveResult> {
    return this.lookup(mappingId) ?? this.#resolve(mappingId);
  }

  invalidate(mappingIds?: readonly string[]): void {
    this.#generation++;
    if (!mappingIds) {
      this.#entries.clear();
      this.#inflight.clear();
      return;
    }
    for (const id of mappingIds) {
      this.#entries.delete(id);
      this.#inflight.delete(id);
    }
  }

  #resolve(mappingId: string): Promise<ResolveResult> {
    const pending = this.#inflight.get(mappingId);
    if (pending) return pending;
    const generation = this.#generation;
    const promise = this.source(mappingId)
      .catch((): ResolveResult => ({ ok: false, code: 'unavailable', message: 'the launcher did not answer' }))
      .then((result) => {
        if (this.#inflight.get(mappingId) === promise) this.#inflight.delete(mappingId);
        if (generation === this.#generation) {
          this.#entries.delete(mappingId);
          if (this.#entries.size >= this.maxEntries) this.#makeRoom();
          this.#entries.set(mappingId, { result, expiresAt: this.clock.now() + ttlFor(result) });
        }
        return result;
      });
    this.#inflight.set(mappingId, promise);
    return promise;
  }

  /** Room for one more: the expired go, then the oldest (a Map keeps insertion order). */
  #makeRoom(): void {
    const now = this.clock.now();
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
    for (const id of this.#entries.keys()) {
      if (this.#entries.size < this.maxEntries) break;
      this.#entries.delete(id);
    }
  }
}
