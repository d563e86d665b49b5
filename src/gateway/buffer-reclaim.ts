import type { Readable } from 'node:stream';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Dead body buffers, handed back soon (issue 18, memory). Every chunk a body brings is a new
 * Buffer whose bytes live outside V8's heap, and V8 collects them only when its own heap fills or
 * when they add up to tens of MiB. Relaying bodies allocates many bytes and few JS objects, so
 * they pile up: measured, sixteen 1 MiB echoes lifted the gateway from 73 to 98 MiB resident,
 * ~20 MiB of it dead buffers. A minor collection (young generation only, ~0.1 ms here) after every
 * RECLAIM_EVERY_BYTES relayed frees them: the same echoes peak at 78 MiB (77 with 1 MiB, 80 with
 * 4 MiB; docs/performance.md). A 200-byte answer reaches the threshold once per ~10,000 requests.
 */
export const RECLAIM_EVERY_BYTES = 2 * 1024 * 1024;

export type MinorGc = () => void;

type V8Gc = (options: { type: 'minor' | 'major' }) => void;

/**
 * V8's `gc`: on the global when `--expose-gc` is on the command line (GATEWAY_V8_FLAGS, every way
 * the launcher starts the gateway); otherwise the flag is set now, which gives it to contexts made
 * from here on, and one small context (~1 MiB) fetches it. Undefined if neither works.
 */
export function minorGc(): MinorGc | undefined {
  let gc = (globalThis as { gc?: V8Gc }).gc;
  if (typeof gc !== 'function') {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as V8Gc | undefined;
    } catch {
      return undefined;
    }
  }
  if (typeof gc !== 'function') return undefined;
  const collect = gc;
  return () => collect({ type: 'minor' });
}

/** Counts body bytes as they are relayed and runs a minor collection, once per threshold, outside the request's own tick. */
export class BufferReclaim {
  #bytes = 0;
  #scheduled = false;
  readonly #collect = () => {
    this.#scheduled = false;
    this.#bytes = 0;
    this.gc?.();
  };

  constructor(
    private readonly gc: MinorGc | undefined,
    private readonly everyBytes = RECLAIM_EVERY_BYTES,
  ) {}

  relayed(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes < this.everyBytes || this.#scheduled || !this.gc) return;
    this.#scheduled = true;
    setImmediate(this.#collect);
  }

  /** Counts what a stream that is already flowing (piped) hands on; a listener changes nothing else of it. */
  count(stream: Readable): void {
    stream.on('data', (chunk: Buffer) => this.relayed(chunk.length));
  }

  /**
   * Counts what a stream hands on, from when its reader starts it: a 'data' listener of ours added
   * earlier would start it first, and the chunks before the reader's own listener would be lost to
   * the reader. Ours is added as the reader's is ('newListener' comes just before), so it sees every
   * chunk the reader does ('resume' would be too late: a chunk can come before it). For readers
   * that start the stream by listening (`on`/`once`/`pipe`: both upstream legs); one that only
   * prepended a listener would be started by ours.
   */
  countWhenRead(stream: Readable): void {
    const onNewListener = (event: string | symbol) => {
      if (event !== 'data') return;
      stream.off('newListener', onNewListener);
      this.count(stream);
    };
    stream.on('newListener', onNewListener);
  }
}
