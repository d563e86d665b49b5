import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { run, type CommandResult } from './clients.js';

export const CLI = path.resolve(import.meta.dirname, '../../bin/onecli-launcher.js');

/** Runs `onecli-launcher …` as a user would, with a given environment and optional stdin. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<CommandResult> {
  return run(process.execPath, [CLI, ...args], { env, timeoutMs: 30_000, ...(input !== undefined ? { input } : {}) });
}

/** `cli`, for setup steps that must work: throws with the command's stderr when it exits non-zero, else gives its stdout. */
export async function cliOk(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  const r = await cli(args, env, input);
  if (r.code !== 0) throw new Error(`onecli-launcher ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/**
 * A CLI session for one data dir (its environment read at each call, so it may be set in a
 * beforeAll): `onecli` keeps every output for a final scan for secrets, `ok` throws on a non-zero
 * exit, and `agentVars` reads an agent's `env --json` without keeping it (printing the agent's
 * token is that command's job).
 */
export function cliSession(env: () => NodeJS.ProcessEnv) {
  const outputs: string[] = [];
  const onecli = async (args: string[], input?: string) => {
    const r = await cli(args, env(), input);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const ok = async (args: string[], input?: string) => {
    const r = await onecli(args, input);
    if (r.code !== 0) throw new Error(`onecli-launcher ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const agentVars = async (agent: string): Promise<Record<string, string>> => {
    const r = await cli(['env', '--json', '--agent', agent], env());
    if (r.code !== 0) throw new Error(`onecli-launcher env failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, string>;
  };
  return { outputs, onecli, ok, agentVars };
}

export interface ServeProcess {
  child: ChildProcess;
  gatewayPort: number;
  controlUrl: string;
  stdout: string[];
  stderr: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `onecli-launcher serve` in the background; resolves once it prints its addresses. */
export function startServe(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout.join('\n')}\n${stderr.join('\n')}`)), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code}:\n${stdout.join('\n')}\n${stderr.join('\n')}`));
    });
    let gatewayPort = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      const gw = /^OneCLI gateway\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (gw) gatewayPort = Number(gw[1]);
      const control = /^Control API\s+(http:\/\/\S+)/.exec(line);
      if (control?.[1]) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          child,
          gatewayPort,
          controlUrl: control[1],
          stdout,
          stderr,
          stop: (signal = 'SIGTERM') =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once('exit', (code) => done(code));
              child.kill(signal);
            }),
        });
      }
    });
  });
}

/**
 * The one-time sign-in link for the headless UI that `serve` prints (`UI (sign in)    http://…/#login=…`)
 * when the built renderer exists. The line follows the control API's, so it may land a moment later.
 */
export async function uiSignInUrl(serve: ServeProcess, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of serve.stdout) {
      const m = /^UI \(sign in\)\s+(http:\/\/\S+#login=\S+)/.exec(line);
      if (m?.[1]) return m[1];
    }
    if (Date.now() > deadline) throw new Error(`serve printed no UI sign-in link (is dist/renderer built?):\n${serve.stdout.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
