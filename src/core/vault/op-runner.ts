import { execFile as nodeExecFileCallback } from 'node:child_process';
import { classifyOpFailure, type OpFailure } from './op-failure.js';
import { opSearchPath } from './op-search-path.js';

/** `op` waits up to ~60 s for the user to answer its unlock prompt; give it a little longer. */
export const OP_TIMEOUT_MS = 70_000;
/** Large vaults list a few MB of JSON; anything past this is not `op` behaving normally. */
export const OP_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * The only variables of ours `op` gets. An allowlist, not a blocklist: whatever nobody listed
 * (OP_SERVICE_ACCOUNT_TOKEN, OP_CONNECT_*, OP_SESSION_*, cloud keys) never reaches it, so an
 * ambient token cannot silently switch the desktop source to another identity.
 */
export const OP_ENV_ALLOWED = [
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'XDG_RUNTIME_DIR',
  'OP_ACCOUNT',
  'OP_BIOMETRIC_UNLOCK_ENABLED',
  'OP_CONFIG_DIR',
] as const;

export interface ExecFileOptions {
  readonly env: Record<string, string>;
  readonly timeout: number;
  readonly maxBuffer: number;
  /** We only ever kill `op` when our timeout fires; SIGKILL, so a stuck prompt cannot ignore it. */
  readonly killSignal: 'SIGKILL';
}

/** Node's promisified execFile, as we use it. Rejects with Node's error (code, killed, signal, stderr). */
export type ExecFileFn = (file: string, args: readonly string[], options: ExecFileOptions) => Promise<{ stdout: string; stderr: string }>;

export interface OpRunnerDeps {
  readonly execFile: ExecFileFn;
  /** The launcher's own environment; only OP_ENV_ALLOWED names are copied from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: { now(): number };
}

export interface OpRunnerOptions {
  /** Absolute path of the `op` to run (the locator's choice). */
  readonly opPath: string;
  /** PATH for the child; defaults to opSearchPath of the launcher's PATH and HOME. */
  readonly searchPath?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxOutputBytes?: number | undefined;
  /** Variables the caller passes on purpose, e.g. OP_SERVICE_ACCOUNT_TOKEN for a service-account source. */
  readonly extraEnv?: Readonly<Record<string, string>> | undefined;
}

/** Runs `op` with these arguments and resolves with its stdout, or rejects with a VaultError. */
export type OpRunner = (args: readonly string[], options?: { timeoutMs?: number }) => Promise<string>;

/** The child's whole environment: the allowlist, the explicit extras, and our PATH. */
export function buildOpEnv(
  parentEnv: Readonly<Record<string, string | undefined>>,
  searchPath: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of OP_ENV_ALLOWED) {
    const value = parentEnv[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return { ...env, ...extraEnv, PATH: searchPath };
}

interface NodeExecError {
  code?: unknown;
  killed?: unknown;
  signal?: unknown;
  stderr?: unknown;
}

/** Turns Node's execFile rejection into the facts the classifier needs. */
export function toOpFailure(err: unknown, opPath: string, timeoutMs: number): OpFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodeExecError;
  const stderr = typeof e.stderr === 'string' ? e.stderr : Buffer.isBuffer(e.stderr) ? e.stderr.toString('utf8') : '';
  const outputTooLarge = e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER';
  // A string code other than maxBuffer means no process ran (ENOENT, EACCES, …).
  const spawnErrorCode = typeof e.code === 'string' && !outputTooLarge ? e.code : undefined;
  return {
    spawnErrorCode,
    // Node sets `killed` only when it sent the signal itself, and it does so only for our timeout.
    timedOut: e.killed === true && !outputTooLarge,
    outputTooLarge,
    exitCode: typeof e.code === 'number' ? e.code : null,
    signal: e.killed === true || typeof e.signal !== 'string' ? null : e.signal,
    stderr,
    opPath,
    timeoutMs,
  };
}

/**
 * A runner bound to one `op`: argv arrays only (never a shell), a timeout, bounded output and
 * an allowlisted environment. It never logs: the stdout of `op read` is a secret.
 */
export function createOpRunner(deps: OpRunnerDeps, options: OpRunnerOptions): OpRunner {
  const searchPath = options.searchPath ?? opSearchPath(deps.env.PATH, deps.env.HOME);
  const env = buildOpEnv(deps.env, searchPath, options.extraEnv);
  const maxBuffer = options.maxOutputBytes ?? OP_MAX_OUTPUT_BYTES;
  return async (args, callOptions = {}) => {
    const timeout = callOptions.timeoutMs ?? options.timeoutMs ?? OP_TIMEOUT_MS;
    const startedAt = deps.clock.now();
    try {
      const { stdout } = await deps.execFile(options.opPath, args, { env, timeout, maxBuffer, killSignal: 'SIGKILL' });
      return stdout;
    } catch (err) {
      // The time really waited goes to the log: a timeout that fired early is a bug worth seeing.
      throw classifyOpFailure({ ...toOpFailure(err, options.opPath, timeout), elapsedMs: deps.clock.now() - startedAt });
    }
  };
}

/**
 * The real execFile, for wiring in the entry files. stdin is closed at once: `op` has no tty
 * here, and must never sit waiting for typed input.
 */
export const nodeExecFile: ExecFileFn = (file, args, options) =>
  new Promise((resolve, reject) => {
    const child = nodeExecFileCallback(file, [...args], { ...options, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
      // Only stderr rides on the error: a killed `op read` may have printed part of a secret.
      if (err) reject(Object.assign(err, { stderr }));
      else resolve({ stdout, stderr });
    });
    child.stdin?.end();
  });
