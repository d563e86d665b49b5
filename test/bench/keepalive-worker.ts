/**
 * One worker thread of the keep-alive load client: an undici pool of N connections to the
 * origin (directly, or each through its own CONNECT tunnel), one request in flight on each.
 * It opens all N before saying 'ready', so the measured window has no handshakes in it.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { FromWorker, ToWorker, WorkerReport } from './load-client-protocol.js';

export interface WorkerConfig {
  origin: string;
  path: string;
  connections: number;
  caPem: string;
  proxyUrl?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;
/** Rounds of `connections` parallel requests to open the pool; more than one only if a dial raced. */
const MAX_WARMUP_ROUNDS = 5;
/**
 * Load before the window, once every connection is open: a proxy grows its own upstream pool
 * to the new concurrency here (the gateway opened 16–96 upstream connections in the first
 * window of a new concurrency without it), and the JIT sees this run's paths.
 */
const WARMUP_LOAD_MS = 500;

function dispatcherFor(config: WorkerConfig): Dispatcher {
  const common = { connections: config.connections, pipelining: 1, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS };
  if (!config.proxyUrl) return new Agent({ ...common, connect: { ca: config.caPem } });
  return new ProxyAgent({ ...common, uri: config.proxyUrl, requestTls: { ca: config.caPem } });
}

/** A growable list of latencies without a boxed number per request. */
class Latencies {
  #values = new Float64Array(1 << 16);
  #length = 0;
  push(ms: number): void {
    if (this.#length === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#length++] = ms;
  }
  take(): Float64Array {
    return this.#values.slice(0, this.#length);
  }
}

async function run(config: WorkerConfig, port: NonNullable<typeof parentPort>): Promise<void> {
  const host = new URL(config.origin).host;
  let opened = 0;
  // Counts connections to the origin only: through a proxy, undici's connection to the proxy
  // itself (the one each CONNECT is sent on) is published too, with the proxy's host.
  diagnosticsChannel.subscribe('undici:client:connected', (message) => {
    const { connectParams } = message as { connectParams: { host: string; protocol: string } };
    if (connectParams.host === host && connectParams.protocol === 'https:') opened++;
  });
  const dispatcher = dispatcherFor(config);
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies = new Latencies();
  let requests = 0;
  let measuring = false;

  const once = async (): Promise<void> => {
    const start = performance.now();
    try {
      const res = await dispatcher.request({ origin: config.origin, path: config.path, method: 'GET' });
      await res.body.dump();
      if (!measuring) return;
      statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
      latencies.push(performance.now() - start);
    } catch (err) {
      if (!measuring) throw err;
      const key = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
      errors[key] = (errors[key] ?? 0) + 1;
      await new Promise((resolve) => setImmediate(resolve)); // a dead proxy must not become a busy loop
    }
    requests++;
  };

  for (let round = 0; round < MAX_WARMUP_ROUNDS && opened < config.connections; round++) {
    await Promise.all(Array.from({ length: config.connections }, once));
  }
  const loopUntil = (end: number) => async () => {
    while (performance.now() < end) await once();
  };
  await Promise.all(Array.from({ length: config.connections }, loopUntil(performance.now() + WARMUP_LOAD_MS)));
  port.postMessage({ type: 'ready', connections: opened } satisfies FromWorker);

  const go = await new Promise<ToWorker>((resolve) => port.once('message', resolve));
  const openedBefore = opened;
  measuring = true;
  requests = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: config.connections }, loopUntil(start + go.durationMs)));
  const report: WorkerReport = {
    requests,
    elapsedMs: performance.now() - start,
    statusCodes,
    errors,
    latenciesMs: latencies.take(),
    connectionsOpened: opened,
    connectionsOpenedInWindow: opened - openedBefore,
  };
  port.postMessage({ type: 'report', report } satisfies FromWorker, [report.latenciesMs.buffer as ArrayBuffer]);
  await dispatcher.close();
}

if (parentPort) {
  const port = parentPort;
  run(workerData as WorkerConfig, port).catch((err: unknown) => {
    port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
  });
}
