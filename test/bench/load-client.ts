/** Starts the keep-alive load client (keepalive-client.ts) and drives one run of it. */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ChildProcesses } from './child-processes.js';
import type { FromLoadClient, KeepAliveResult, LoadClientConfig, ToLoadClient } from './load-client-protocol.js';

const BENCH_DIR = import.meta.dirname;
const REPO_ROOT = path.resolve(BENCH_DIR, '../..');
/** Opening 128 connections through a proxy on a busy machine takes seconds, not minutes. */
const READY_TIMEOUT_MS = 60_000;
/** The window ends at `durationS`; a request that never completes is cut off by this margin. */
const HANG_MARGIN_S = 30;
/**
 * One thread by default. Measured side by side on this 2-core machine (c=32, 3 interleaved
 * reps): two threads cost the client 28–29 µs of CPU per request direct (one: 22 µs) and
 * 65–83 µs through the gateway (one: 43–55 µs), CPU taken from the proxy being measured, for
 * no more requests per second. One thread caps the client near one core (52,000–57,000 req/s
 * direct on a quiet machine, where hey reached 55,000–62,000), so direct is slightly low at
 * c≥32 on a quiet machine: `--client-threads 2` trades that for a heavier client.
 */
export const DEFAULT_CLIENT_THREADS = 1;

export interface StartedLoadClient {
  /** Connections open before the window. */
  connections: number;
  /** Runs the measured window; resolves with its figures. */
  go(): Promise<KeepAliveResult>;
}

function nextMessage(child: ChildProcess, type: FromLoadClient['type'], timeoutMs: number, what: string): Promise<FromLoadClient> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`load client: no '${type}' within ${timeoutMs / 1000} s (${what})`)), timeoutMs);
    const onMessage = (m: FromLoadClient) => {
      if (m.type === 'failed') done(new Error(`load client failed (${what}): ${m.message}`));
      else if (m.type === type) done(undefined, m);
    };
    const onExit = () => done(new Error(`load client exited (${child.exitCode ?? child.signalCode}) before '${type}' (${what})`));
    function done(err: Error | undefined, m?: FromLoadClient) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve(m as FromLoadClient);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Starts the client and waits until it holds all its connections. */
export async function startLoadClient(children: ChildProcesses, config: LoadClientConfig): Promise<StartedLoadClient> {
  const child = children.spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'keepalive-client.ts')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const what = config.proxyUrl ? 'via proxy' : 'direct';
  const send = (m: ToLoadClient) => child.send(m);
  const ready = nextMessage(child, 'ready', READY_TIMEOUT_MS, what);
  send({ type: 'start', config });
  const m = await ready;
  return {
    connections: m.type === 'ready' ? m.connections : 0,
    go: async () => {
      const result = nextMessage(child, 'result', (config.durationS + HANG_MARGIN_S) * 1000, what);
      send({ type: 'go' });
      const r = await result;
      if (r.type !== 'result') throw new Error('load client: no result');
      return r.result;
    },
  };
}
