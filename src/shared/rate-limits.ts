import { RATE_PERIOD_MS, describeLimit, type RateCounter, type RateLimit, type RatePeriod } from './agent-policy.js';
import type { Clock } from './credential-cache.js';

/** How often moved counters are reported to the launcher: what a crash can lose (docs/gateway.md, "Rate limits"). */
export const RATE_SYNC_MS = 1_000;

/** One limit's fixed window: at most `max` requests between `windowStart` and `windowStart + periodMs`. */
interface Window {
  readonly agent: string;
  readonly mapping: string | null;
  readonly per: RatePeriod;
  readonly periodMs: number;
  max: number;
  label: string;
  windowStart: number;
  count: number;
}

interface AgentWindows {
  /** Limits on all of the agent's traffic. */
  readonly all: readonly Window[];
  /** Limits on the agent's use of one mapping, by mapping id. */
  readonly byMapping: ReadonlyMap<string, readonly Window[]>;
}

export interface RateRefusal {
  /** Whole seconds until the window that refused ends (at least 1): the `Retry-After`. */
  readonly retryAfter: number;
  /** The limit that refused, as `describeLimit` names it. */
  readonly limit: string;
}

const NONE: readonly Window[] = [];

const counterKey = (agent: string, mapping: string | null, per: RatePeriod) => `${agent}\0${mapping ?? ''}\0${per}`;

/**
 * Rate limits on the hot path. The gateway owns the counters (a Map lookup and a compare per
 * request, no IPC) and reports the ones that moved to the launcher at most once per
 * RATE_SYNC_MS; a restarted gateway is seeded with the launcher's copy. Fixed windows aligned
 * to the epoch: exact per window, and the `Retry-After` is the window's end. The core's OneCLI
 * door (src/core/onecli) counts the `onecli` agent with its own instance, without a sink: it
 * lives as long as the launcher does.
 */
export class RateLimiter {
  #agents = new Map<string, AgentWindows>();
  /** Every window by counter key: kept across `configure`, so changing a limit keeps its count. */
  #windows = new Map<string, Window>();
  readonly #seeds = new Map<string, RateCounter>();
  readonly #dirty = new Set<Window>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: ((counters: RateCounter[]) => void) | undefined,
    private readonly clock: Clock = Date,
    private readonly syncMs = RATE_SYNC_MS,
  ) {}

  /** The launcher's counters from before a restart; used as windows are created. */
  seed(counters: readonly RateCounter[]): void {
    for (const c of counters) this.#seeds.set(counterKey(c.agent, c.mapping, c.per), c);
  }

  /** The agents' limits (from the config or `set-agents`). Two limits of one agent on one scope and period: the lower wins. */
  configure(agents: readonly { readonly name: string; readonly limits?: readonly RateLimit[] | undefined }[]): void {
    const now = this.clock.now();
    const windows = new Map<string, Window>();
    const byAgent = new Map<string, AgentWindows>();
    for (const agent of agents) {
      if (!agent.limits?.length) continue;
      const all: Window[] = [];
      const byMapping = new Map<string, Window[]>();
      for (const limit of agent.limits) {
        const mapping = limit.mapping ?? null;
        const key = counterKey(agent.name, mapping, limit.per);
        const known = windows.get(key);
        if (known) {
          if (limit.max < known.max) Object.assign(known, { max: limit.max, label: describeLimit(limit) });
          continue;
        }
        const w = this.#windows.get(key) ?? this.#create(agent.name, mapping, limit.per, key, now);
        w.max = limit.max;
        w.label = describeLimit(limit);
        windows.set(key, w);
        if (mapping === null) all.push(w);
        else byMapping.set(mapping, [...(byMapping.get(mapping) ?? []), w]);
      }
      byAgent.set(agent.name, { all, byMapping });
    }
    this.#windows = windows;
    this.#agents = byAgent;
  }

  /**
   * Counts one request of `agent` (using `mappingId`, if any) against every limit that covers it,
   * or refuses it, counting nothing, when one of them is used up.
   */
  take(agent: string, mappingId: string | null): RateRefusal | undefined {
    const limits = this.#agents.get(agent);
    if (!limits) return undefined;
    const mapped = mappingId === null ? undefined : limits.byMapping.get(mappingId);
    if (limits.all.length === 0 && mapped === undefined) return undefined;
    const now = this.clock.now();
    // Plain loops, no closures: this runs on every request of a limited agent.
    let refused: Window | undefined;
    for (const list of [limits.all, mapped ?? NONE]) {
      for (const w of list) {
        if (now >= w.windowStart + w.periodMs) {
          w.windowStart = now - (now % w.periodMs);
          w.count = 0;
        }
        if (w.count >= w.max && (!refused || w.windowStart + w.periodMs > refused.windowStart + refused.periodMs)) refused = w;
      }
    }
    if (refused) return { retryAfter: Math.max(1, Math.ceil((refused.windowStart + refused.periodMs - now) / 1000)), limit: refused.label };
    for (const list of [limits.all, mapped ?? NONE]) {
      for (const w of list) {
        w.count++;
        if (this.sink) this.#dirty.add(w);
      }
    }
    if (this.sink) this.#timer ??= setTimeout(() => this.flush(), this.syncMs).unref();
    return undefined;
  }

  /** Reports the counters that moved since the last report. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty.size === 0 || !this.sink) return;
    const counters = [...this.#dirty].map(({ agent, mapping, per, windowStart, count }) => ({ agent, mapping, per, windowStart, count }));
    this.#dirty.clear();
    this.sink(counters);
  }

  /** Counters of windows still running (tests, and the launcher's view). */
  counters(): RateCounter[] {
    return [...this.#windows.values()].map(({ agent, mapping, per, windowStart, count }) => ({ agent, mapping, per, windowStart, count }));
  }

  #create(agent: string, mapping: string | null, per: RatePeriod, key: string, now: number): Window {
    const periodMs = RATE_PERIOD_MS[per];
    const windowStart = now - (now % periodMs);
    const seed = this.#seeds.get(key);
    this.#seeds.delete(key);
    const count = seed && seed.windowStart === windowStart ? seed.count : 0;
    return { agent, mapping, per, periodMs, max: 0, label: '', windowStart, count };
  }
}
