import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ToGatewayInput } from '../../shared/gateway-messages.js';
import { GATEWAY_V8_FLAGS } from '../../shared/gateway-heap.js';

/** A running gateway process, whichever way it was started. */
export interface GatewayChild {
  readonly pid: number | undefined;
  send(message: ToGatewayInput): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** One line of the child's stdout or stderr. */
  onOutput(listener: (line: string, stream: 'stdout' | 'stderr') => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Forceful stop of the child and anything it started. */
  kill(): void;
}

/**
 * Starts the gateway program. Headless passes `forkSpawner`; the Electron shell passes one
 * built on `utilityProcess.fork` (never with `disclaim`, so the child stays in the app's TCC
 * responsibility chain).
 */
export type Spawner = (entry: string, env: Record<string, string>) => GatewayChild;

/** Variables the gateway may inherit. An allowlist: `OP_SERVICE_ACCOUNT_TOKEN` and friends never reach it. */
export const GATEWAY_ENV_ALLOWED = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ'] as const;

export function gatewayEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(GATEWAY_ENV_ALLOWED.flatMap((k) => (env[k] ? [[k, env[k] as string]] : [])));
}

/** Headless: `child_process.fork` with IPC, in its own process group so a stop can take the whole group. */
/** The gateway's V8 flags (src/shared/gateway-heap.ts) on its command line. */
export const GATEWAY_EXEC_ARGV: readonly string[] = GATEWAY_V8_FLAGS;

export const forkSpawner: Spawner = (entry, env) => {
  const child = fork(entry, [], { env, execArgv: [...GATEWAY_EXEC_ARGV], detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => void child.on('message', listener),
    onOutput: (listener) => {
      createInterface({ input: child.stdout! }).on('line', (l) => listener(l, 'stdout'));
      createInterface({ input: child.stderr! }).on('line', (l) => listener(l, 'stderr'));
    },
    onExit: (listener) => void child.once('exit', listener),
    kill: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone; make sure the child is too
      }
    },
  };
};
