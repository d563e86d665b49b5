import type { ResolveResult } from '../shared/vault-errors.js';
import type { LauncherChannel } from './launcher-channel.js';

/**
 * Asks the launcher for a mapping's value and waits for its answer. The cache in front of it
 * makes sure concurrent misses for one mapping send one request.
 */
export class LauncherResolver {
  readonly #pending = new Map<number, { resolve: (r: ResolveResult) => void; timer: NodeJS.Timeout }>();
  #nextId = 1;

  constructor(
    private readonly channel: LauncherChannel,
    private readonly timeoutMs: () => number,
  ) {}

  resolve = (mappingId: string): Promise<ResolveResult> =>
    new Promise((resolve) => {
      const requestId = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        resolve({ ok: false, code: 'unavailable', message: 'The launcher did not answer in time; is 1Password waiting for approval?' });
      }, this.timeoutMs());
      this.#pending.set(requestId, { resolve, timer });
      this.channel.send({ type: 'resolve', requestId, mappingId });
    });

  settle(requestId: number, result: ResolveResult): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(requestId);
    pending.resolve(result);
  }
}
