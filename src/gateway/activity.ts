import type { ActivityEntry } from '../shared/gateway-messages.js';
import type { Logger } from './log.js';

export type ActivitySink = (entries: ActivityEntry[]) => void;

const FLUSH_MS = 250;
const MAX_BATCH = 200;

/**
 * Collects activity entries and hands them to the launcher in batches: one IPC message per
 * 250 ms instead of one per request keeps serialisation off the hot path.
 */
export class ActivityRecorder {
  #batch: ActivityEntry[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: ActivitySink | undefined,
    private readonly log: Logger,
  ) {}

  record(entry: ActivityEntry): void {
    // Failures always reach the log. Successes are `debug`: a JSON line per request was ~7 % of
    // the gateway's CPU at c=32 (docs/performance.md); the launcher keeps the activity view.
    if (entry.error || entry.status >= 500) this.log.warn(entry, 'request failed');
    else this.log.debug(entry, 'request');
    if (!this.sink) return;
    this.#batch.push(entry);
    if (this.#batch.length >= MAX_BATCH) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#batch.length === 0 || !this.sink) return;
    const entries = this.#batch;
    this.#batch = [];
    this.sink(entries);
  }
}
