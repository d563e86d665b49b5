/** Starts the bench's upstream, gateways and mitmdump as child processes. */
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchPki } from './bench-pki.js';
import type { ChildProcesses } from './child-processes.js';
import type { WrittenGatewayConfig } from './gateway-config.js';
import type { GatewayTargetName, TargetName } from './routes.js';
import type { UpstreamCounters, UpstreamListener, UpstreamReady, UpstreamServerConfig } from './upstream-protocol.js';
import { freePort, waitForPort } from './wait.js';
import { GATEWAY_EXEC_ARGV } from '../../src/core/supervisor/spawner.js';

const START_TIMEOUT_MS = 20_000;
const IPC_TIMEOUT_MS = 5_000;
const BENCH_DIR = import.meta.dirname;
const REPO_ROOT = path.resolve(BENCH_DIR, '../..');
export const GATEWAY_MAIN = path.join(REPO_ROOT, 'dist/gateway/main.js');

/** A child's stdout and stderr go to a file: no pipe for the orchestrator to drain under load. */
function logFileStdio(logFile: string): ['ignore', number, number] {
  const fd = openSync(logFile, 'w');
  return ['ignore', fd, fd];
}

export interface UpstreamProcess {
  child: ChildProcess;
  listeners: UpstreamListener[];
  /** Zeroes the request counters and returns what they held. */
  resetCounters(): Promise<UpstreamCounters>;
}

function nextMessage<T>(child: ChildProcess, type: string, timeoutMs = IPC_TIMEOUT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`upstream sent no '${type}' within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: { type?: string }) => {
      if (msg.type === type) done(undefined, msg as T);
    };
    const onExit = () => done(new Error(`upstream exited (${child.exitCode ?? child.signalCode})`));
    function done(err: Error | undefined, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startUpstream(
  children: ChildProcesses,
  workDir: string,
  pki: BenchPki,
  ips: readonly string[],
  injectValue: string,
): Promise<UpstreamProcess> {
  const configFile = path.join(workDir, 'upstream.json');
  const config: UpstreamServerConfig = { certFile: pki.upstreamCertFile, keyFile: pki.upstreamKeyFile, ips: [...ips] };
  writeFileSync(configFile, JSON.stringify(config));
  const child = children.spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'upstream-server.ts'), configFile], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', BENCH_INJECT_VALUE: injectValue },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { listeners } = await nextMessage<UpstreamReady>(child, 'ready', START_TIMEOUT_MS);
  return {
    child,
    listeners,
    resetCounters: () => {
      const reply = nextMessage<UpstreamCounters>(child, 'counters');
      child.send({ type: 'reset' });
      return reply;
    },
  };
}

export interface ProxyProcess {
  name: TargetName;
  child: ChildProcess;
  pid: number;
  port: number;
  logFile: string;
}

/**
 * Runs `node <the launcher's V8 flags> dist/gateway/main.js --config FILE`, as the headless
 * launcher starts it, and waits until its port accepts connections. `extraEnv` is added to the
 * config's environment (the no-scan switch); `v8Flags` replaces the launcher's flags.
 */
export async function startGateway(
  children: ChildProcesses,
  name: GatewayTargetName,
  config: WrittenGatewayConfig,
  port: number,
  logFile: string,
  extraEnv: Record<string, string> = {},
  v8Flags: readonly string[] = GATEWAY_EXEC_ARGV,
): Promise<ProxyProcess> {
  const stdio = logFileStdio(logFile);
  const child = children.spawn(process.execPath, [...v8Flags, GATEWAY_MAIN, '--config', config.file], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...config.env, ...extraEnv },
    stdio,
  });
  closeSync(stdio[1]);
  await waitForPort(port, child, START_TIMEOUT_MS);
  if (!child.pid) throw new Error(`${name}: no pid`);
  return { name, child, pid: child.pid, port, logFile };
}

/** Starts the TLS-terminating reference pipe (tls-pipe-proxy.ts), with the upstream's own certificate. */
export async function startTlsPipe(children: ChildProcesses, workDir: string, pki: BenchPki, logFile: string): Promise<ProxyProcess> {
  const port = await freePort();
  const configFile = path.join(workDir, 'tls-pipe.json');
  writeFileSync(configFile, JSON.stringify({ port, certFile: pki.upstreamCertFile, keyFile: pki.upstreamKeyFile, caFile: pki.upstreamCaFile }));
  const stdio = logFileStdio(logFile);
  const child = children.spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'tls-pipe-proxy.ts'), configFile], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio,
  });
  closeSync(stdio[1]);
  await waitForPort(port, child, START_TIMEOUT_MS);
  if (!child.pid) throw new Error('tls-pipe: no pid');
  return { name: 'tls-pipe', child, pid: child.pid, port, logFile };
}

export interface MitmOptions {
  mitmdump: string;
  pki: BenchPki;
  token: string;
  injectValue: string;
  /** `ip:port` authorities the addon injects into. */
  mappedHosts: readonly string[];
}

export async function startMitmdump(children: ChildProcesses, opts: MitmOptions, logFile: string): Promise<ProxyProcess> {
  const port = await freePort();
  const args = [
    '-q',
    '--listen-host',
    '127.0.0.1',
    '--listen-port',
    String(port),
    '--proxyauth',
    `x:${opts.token}`,
    '--set',
    `confdir=${opts.pki.mitmConfDir}`,
    '--set',
    `ssl_verify_upstream_trusted_ca=${opts.pki.upstreamCaFile}`,
    // Stream bodies instead of buffering them whole: without it an SSE stream arrives at its end.
    '--set',
    'stream_large_bodies=1',
    '-s',
    path.join(BENCH_DIR, 'mitm_inject.py'),
  ];
  const stdio = logFileStdio(logFile);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: opts.pki.mitmConfDir,
    PYTHONDONTWRITEBYTECODE: '1',
    BENCH_INJECT_VALUE: opts.injectValue,
    BENCH_INJECT_HOSTS: opts.mappedHosts.join(','),
  };
  const child = children.spawn(opts.mitmdump, args, { cwd: REPO_ROOT, env, stdio });
  closeSync(stdio[1]);
  await waitForPort(port, child, START_TIMEOUT_MS);
  if (!child.pid) throw new Error('mitmdump: no pid');
  return { name: 'mitmproxy', child, pid: child.pid, port, logFile };
}
