/**
 * A real Secret Service for integration tests: a private D-Bus session bus and an unlocked
 * gnome-keyring-daemon on it, both children of the test process, in a throwaway directory,
 * never touching the user's own keyring.
 *
 * libdbus reads DBUS_SESSION_BUS_ADDRESS once, at a process's first D-Bus call, and keeps
 * it; a worker that set the variable later (or probed with no bus first) stays on the old
 * address. So the keychain calls run in a child process with the env we choose:
 * `runKeychainSteps`, whose child side is the bottom of this file.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { keychainAvailability } from '../../src/core/secrets/keychain-availability.js';
import { KeychainStore } from '../../src/core/secrets/keychain-store.js';
import { napiKeyring } from '../../src/core/secrets/napi-keyring.js';
import { openSecretStore } from '../../src/core/secrets/open-secret-store.js';
import { assertSecretName } from '../../src/core/secrets/secret-names.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const THIS_FILE = import.meta.filename;

/** Debian packages that hold each tool, for the failure message on a fresh machine. */
const TOOLS = {
  'dbus-daemon': 'dbus-daemon',
  'dbus-send': 'dbus-bin',
  'gnome-keyring-daemon': 'gnome-keyring',
} as const;
type Tool = keyof typeof TOOLS;

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const READY_POLL_MS = 50;
const CHILD_TIMEOUT_MS = 20_000;
/** gnome-keyring only creates (and unlocks) the login keyring when stdin holds a non-empty password. */
const THROWAWAY_KEYRING_PASSWORD = 'onecli-test-keyring';

export interface KeychainSession {
  /** What a child needs to reach this session's Secret Service. */
  readonly env: { readonly DBUS_SESSION_BUS_ADDRESS: string };
  readonly busPid: number;
  /** Undefined for a bus started `withKeyring: false`. */
  readonly keyringPid: number | undefined;
  /** Kills both daemons (and waits for them) and removes the directory. */
  stop(): Promise<void>;
}

/** Throws, naming the Debian package, if a tool the session needs is not installed. */
export function requireKeychainTools(): void {
  const missing = (Object.keys(TOOLS) as Tool[]).filter((tool) => !which(tool));
  if (missing.length > 0) {
    const packages = missing.map((tool) => TOOLS[tool]).join(' ');
    throw new Error(
      `${missing.join(', ')} not found: the keychain integration tests need a real Secret Service. Install it with: apt-get install --no-install-recommends ${packages}`,
    );
  }
}

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; keep looking
    }
  }
  return undefined;
}

/**
 * No `<servicedir>`: nothing is D-Bus-activated on this bus, so the only Secret Service is the
 * daemon we start (not a second, locked one started by activation), and a locked keyring
 * fails at once instead of waiting on a prompter that cannot be shown.
 */
function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

export interface KeychainSessionOptions {
  /** False: a session bus with no Secret Service on it (gnome-keyring not running). */
  readonly withKeyring?: boolean;
}

export async function startKeychainSession({ withKeyring = true }: KeychainSessionOptions = {}): Promise<KeychainSession> {
  requireKeychainTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-keychain-'));
  const runtimeDir = path.join(dir, 'runtime');
  mkdirSync(runtimeDir, { mode: 0o700 });
  writeFileSync(path.join(dir, 'bus.conf'), busConfig(path.join(runtimeDir, 'bus')));
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((c) => isRunning(c) && c.kill('SIGKILL'));
  // If the worker exits without stop() (a crash, a timeout), take the daemons with it.
  process.once('exit', killAll);
  const stop = async () => {
    process.removeListener('exit', killAll);
    for (const child of [...children].reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const bus = spawn('dbus-daemon', [`--config-file=${path.join(dir, 'bus.conf')}`, '--nofork', '--nopidfile', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(bus);
    const address = await firstLine(bus, 'dbus-daemon');
    const env = { DBUS_SESSION_BUS_ADDRESS: address };
    if (!withKeyring) return { env, busPid: bus.pid ?? -1, keyringPid: undefined, stop };
    const keyringEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_RUNTIME_DIR: runtimeDir,
      ...env,
    };
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: keyringEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(keyring);
    const keyringOutput = collect(keyring);
    keyring.stdin?.end(THROWAWAY_KEYRING_PASSWORD);
    await waitForDefaultCollection(env, keyring, keyringOutput);
    return { env, busPid: bus.pid ?? -1, keyringPid: keyring.pid ?? -1, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function collect(child: ChildProcess): () => string {
  let text = '';
  const add = (chunk: Buffer) => (text = (text + chunk.toString()).slice(-4_000));
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => text;
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  const output = collect(child);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${what} printed no address within ${START_TIMEOUT_MS} ms: ${output()}`)), START_TIMEOUT_MS);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before printing its address: ${output()}`));
    });
  });
}

/** Ready means the login collection exists and is the default: what a keyring client writes to. */
async function waitForDefaultCollection(env: KeychainSession['env'], keyring: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const args = [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.ReadAlias',
    'string:default',
  ];
  while (Date.now() < deadline) {
    if (!isRunning(keyring)) throw new Error(`gnome-keyring-daemon exited (${keyring.exitCode ?? keyring.signalCode}): ${output()}`);
    const reply = await new Promise<string>((resolve) =>
      execFile('dbus-send', args, { env: { ...env, PATH: process.env.PATH } }, (_err, stdout) => resolve(stdout)),
    );
    if (reply.includes('/collection/')) return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`gnome-keyring-daemon did not offer an unlocked default collection within ${START_TIMEOUT_MS} ms: ${output()}`);
}

/** Locks the session's login keyring, as a screen lock or a timeout would. */
export async function lockLoginKeyring(session: KeychainSession): Promise<void> {
  const args = [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    'array:objpath:/org/freedesktop/secrets/collection/login',
  ];
  await new Promise<void>((resolve, reject) =>
    execFile('dbus-send', args, { env: { ...session.env, PATH: process.env.PATH } }, (err) => (err ? reject(err) : resolve())),
  );
}

/** An env with no session bus: no DBUS_SESSION_BUS_ADDRESS, and no XDG_RUNTIME_DIR (libdbus would try `$XDG_RUNTIME_DIR/bus`). */
export function envWithoutSessionBus(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };
}

// ---- the keychain calls, run in a child process with exactly the env given ----

export type KeychainStep =
  | { readonly op: 'probe'; readonly service: string; readonly timeoutMs?: number }
  | { readonly op: 'set'; readonly service: string; readonly name: string; readonly value: string }
  | { readonly op: 'get' | 'delete'; readonly service: string; readonly name: string }
  | {
      readonly op: 'open-and-set';
      readonly service: string;
      readonly dataDir: string;
      readonly allowFileStore: boolean;
      readonly probeTimeoutMs?: number;
      readonly name: string;
      readonly value: string;
    };

export type StepResult =
  | { readonly ok: true; readonly value?: unknown; readonly ms: number }
  | { readonly ok: false; readonly error: { readonly name: string; readonly code?: string; readonly message: string }; readonly ms: number };

/** Runs the steps, in order, in one fresh Node process whose env is `env` (plus PATH). */
export function runKeychainSteps(env: Record<string, string>, steps: readonly KeychainStep[]): Promise<StepResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`keychain child exited (${code ?? signal}): ${stderr}`));
      resolve(JSON.parse(stdout) as StepResult[]);
    });
    // Values go over stdin, not argv: argv is visible to every local user in `ps`.
    child.stdin.end(JSON.stringify(steps));
  });
}

async function runStep(step: KeychainStep): Promise<unknown> {
  const keyring = napiKeyring();
  const store = new KeychainStore({ keyring, platform: process.platform, service: step.service });
  switch (step.op) {
    case 'probe':
      return keychainAvailability({ keyring, platform: process.platform, service: step.service, timeoutMs: step.timeoutMs });
    case 'set':
      return store.set(assertSecretName(step.name), step.value);
    case 'get':
      return store.get(assertSecretName(step.name));
    case 'delete':
      return store.delete(assertSecretName(step.name));
    case 'open-and-set': {
      const opened = await openSecretStore({
        keyring,
        dataDir: step.dataDir,
        allowFileStore: step.allowFileStore,
        service: step.service,
        probeTimeoutMs: step.probeTimeoutMs,
      });
      try {
        await opened.store.set(assertSecretName(step.name), step.value);
        return { description: opened.description, stored: true };
      } catch (err) {
        return { description: opened.description, stored: false, error: { code: (err as { code?: string }).code, message: (err as Error).message } };
      }
    }
  }
}

async function childMain(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const results: StepResult[] = [];
  for (const step of JSON.parse(input) as KeychainStep[]) {
    const started = performance.now();
    try {
      const value = await runStep(step);
      results.push({ ok: true, value, ms: Math.round(performance.now() - started) });
    } catch (err) {
      const e = err as Error & { code?: string };
      results.push({ ok: false, error: { name: e.name, code: e.code, message: e.message }, ms: Math.round(performance.now() - started) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await childMain();
