/**
 * What the orchestrator and the keep-alive load client (keepalive-client.ts, its own process)
 * exchange over the client's IPC channel, and what one run of a load generator returns.
 *
 *   orchestrator → client   { type: 'start', config }   open every connection, then say 'ready'
 *   client → orchestrator   { type: 'ready', connections }
 *   orchestrator → client   { type: 'go' }              the measured window starts now
 *   client → orchestrator   { type: 'result', result }  or { type: 'failed', message }
 *
 * The orchestrator samples the proxy's CPU and the machine's TCP counters at 'go' and at
 * 'result', so connection set-up (TCP, CONNECT, TLS) stays outside the measured window.
 */

/** One load run's summary, whichever generator ran it (hey or ours). */
export interface LoadRunResult {
  reqPerSec: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Status code → responses, e.g. { "200": 51234 }. */
  statusCodes: Record<string, number>;
  /** Distinct errors with counts, e.g. "[3] ECONNRESET: other side closed". */
  errors: string[];
  /** Responses of any status plus errors. */
  completed: number;
}

export interface LoadClientConfig {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  path: string;
  /** Connections held open, one request in flight on each (pipelining 1). */
  concurrency: number;
  durationS: number;
  /** Worker threads sharing the connections. */
  threads: number;
  /** What the client trusts: the upstream's CA direct, the proxy's CA through it. */
  caPem: string;
  /** `http://user:pass@127.0.0.1:PORT`: CONNECT through this proxy with Proxy-Authorization. */
  proxyUrl?: string;
}

export interface KeepAliveResult extends LoadRunResult {
  /** Connections to the origin the client opened, warm-up included: `concurrency` when it held them. */
  connectionsOpened: number;
  /** Of those, opened inside the measured window: 0 unless something closed a connection. */
  connectionsOpenedInWindow: number;
  /** The client process's own CPU over the window (all threads), in ms. */
  clientCpuMs: number;
}

export type ToLoadClient = { type: 'start'; config: LoadClientConfig } | { type: 'go' };

export type FromLoadClient = { type: 'ready'; connections: number } | { type: 'result'; result: KeepAliveResult } | { type: 'failed'; message: string };

/** What a worker thread reports at the end of the window. */
export interface WorkerReport {
  requests: number;
  elapsedMs: number;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /** Per-request latencies in ms. */
  latenciesMs: Float64Array;
  connectionsOpened: number;
  connectionsOpenedInWindow: number;
}

/** Messages between the client's main thread and its workers. */
export type ToWorker = { type: 'go'; durationMs: number };
export type FromWorker = { type: 'ready'; connections: number } | { type: 'report'; report: WorkerReport } | { type: 'failed'; message: string };

/** Splits `concurrency` connections over at most `threads` workers, as evenly as possible. */
export function connectionsPerThread(concurrency: number, threads: number): number[] {
  const n = Math.max(1, Math.min(threads, concurrency));
  return Array.from({ length: n }, (_, i) => Math.floor(concurrency / n) + (i < concurrency % n ? 1 : 0));
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
