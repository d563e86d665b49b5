/**
 * Every process the bench starts goes through here, so all of them are stopped at the end,
 * on error and on Ctrl-C: no orphans.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const STOP_GRACE_MS = 3_000;

export class ChildProcesses {
  readonly #running = new Set<ChildProcess>();

  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, options);
    this.#running.add(child);
    const forget = () => this.#running.delete(child);
    child.once('exit', forget);
    child.once('error', forget);
    return child;
  }

  /** SIGTERM, then SIGKILL for anything still running after a grace period. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#running].map((child) => stop(child)));
  }

  /** Last resort, synchronous (process 'exit' handler). */
  killAllNow(): void {
    for (const child of this.#running) child.kill('SIGKILL');
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command (argv array, no shell) to completion, killing it after `timeoutMs`. */
export function runCommand(children: ChildProcesses, command: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = children.spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
