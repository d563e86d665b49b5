import { RATE_PERIOD_MS, type RateCounter } from '../../shared/agent-policy.js';

/**
 * The launcher's copy of the gateway's rate-limit counters (issue 14). The gateway counts on its
 * hot path and reports what moved about once a second; this copy outlives the gateway process,
 * and a restarted gateway is configured with it, so a crash or a restart does not reset an
 * agent's limits. It lives in launcher memory: restarting the launcher itself starts them over.
 */
export class RateCounterStore {
  readonly #counters = new Map<string, RateCounter>();

  /** Counts are absolute per window: a later window replaces an earlier one, the same window keeps the higher count. */
  report(counters: readonly RateCounter[]): void {
    for (const c of counters) {
      const key = `${c.agent}\0${c.mapping ?? ''}\0${c.per}`;
      const known = this.#counters.get(key);
      if (!known || c.windowStart > known.windowStart || (c.windowStart === known.windowStart && c.count > known.count)) this.#counters.set(key, c);
    }
  }

  /** The counters of windows still running at `now`; ended ones are forgotten. */
  snapshot(now: number): RateCounter[] {
    for (const [key, c] of this.#counters) if (c.windowStart + RATE_PERIOD_MS[c.per] <= now) this.#counters.delete(key);
    return [...this.#counters.values()];
  }
}
