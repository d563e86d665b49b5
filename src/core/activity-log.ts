import type { ActivityEntry } from '../shared/gateway-messages.js';

const ACTIVITY_KEPT = 500;
const ERRORS_KEPT = 20;

/** The gateway's recent activity, in memory only: Activity, Status's last errors, agents' last use. */
export class ActivityLog {
  #entries: ActivityEntry[] = [];

  record(entries: readonly ActivityEntry[]): void {
    this.#entries.push(...entries);
    if (this.#entries.length > ACTIVITY_KEPT) this.#entries = this.#entries.slice(-ACTIVITY_KEPT);
  }

  recent(limit = 100): ActivityEntry[] {
    return this.#entries.slice(-limit);
  }

  lastErrors(): { at: number; mapping: string | null; code: string; host: string }[] {
    return this.#entries
      .filter((e) => e.error)
      .slice(-ERRORS_KEPT)
      .map((e) => ({ at: e.at, mapping: e.mapping, code: e.error as string, host: e.host }));
  }

  /** When each agent last made a request (of the entries kept). */
  lastUsedByAgent(): Map<string, number> {
    const lastUsed = new Map<string, number>();
    for (const e of this.#entries) if (e.agent) lastUsed.set(e.agent, e.at);
    return lastUsed;
  }
}
