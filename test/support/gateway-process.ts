import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { CaPem } from './pki.js';

export const GATEWAY_MAIN = path.resolve(import.meta.dirname, '../../dist/gateway/main.js');

export interface MappingSpec {
  host: string;
  header?: string;
  template?: string;
  route?: string;
  /** Block rules, as the config file takes them. */
  blocks?: unknown[];
  /** The value itself; the harness puts it in an env var, as users do. */
  value: string;
  /** Other credential shapes (docs/gateway.md): Basic from a template, a query parameter, several headers, a preset. */
  basic?: string;
  query?: string;
  preset?: string;
  headers?: { header: string; template?: string }[];
  /** The values of a several-header shape after the first. */
  more?: string[];
}

export interface GatewayOptions {
  ca: CaPem;
  upstreamCaPem?: string;
  tokens: string[];
  mappings: MappingSpec[];
  logLevel?: string;
  timeouts?: Record<string, number>;
  /** Extra raw fields merged into the config file (to test validation). */
  raw?: Record<string, unknown>;
  /** Options for node itself, before the script (e.g. --trace-gc, to count collections). */
  nodeArgs?: string[];
}

export interface GatewayProcess {
  port: number;
  proxyUrl(token: string): string;
  /** Every stdout/stderr line so far: the secret-scan tests read these. */
  lines: string[];
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Writes a config file like a user would and runs `node dist/gateway/main.js --config FILE`. */
export function writeGatewayConfig(opts: GatewayOptions): { dir: string; file: string; env: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-gw-'));
  writeFileSync(path.join(dir, 'ca.pem'), opts.ca.certPem);
  writeFileSync(path.join(dir, 'ca-key.pem'), opts.ca.keyPem, { mode: 0o600 });
  if (opts.upstreamCaPem) writeFileSync(path.join(dir, 'upstream-ca.pem'), opts.upstreamCaPem);
  const env: Record<string, string> = { PROXY_TOKEN: opts.tokens.join(',') };
  const mappings = opts.mappings.map((m, i) => {
    env[`INJECT_VALUE_${i}`] = m.value;
    const valueEnvs = (m.more ?? []).map((v, j) => {
      env[`INJECT_VALUE_${i}_${j + 1}`] = v;
      return `INJECT_VALUE_${i}_${j + 1}`;
    });
    const { value: _value, more: _more, ...shape } = m;
    return { ...shape, valueEnv: `INJECT_VALUE_${i}`, ...(valueEnvs.length ? { valueEnvs } : {}) };
  });
  const config = {
    listen: '127.0.0.1:0',
    ca: { certFile: 'ca.pem', keyFile: 'ca-key.pem' },
    ...(opts.upstreamCaPem ? { extraCaFile: 'upstream-ca.pem' } : {}),
    agentTokensEnv: 'PROXY_TOKEN',
    mappings,
    logLevel: opts.logLevel ?? 'debug',
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
    ...opts.raw,
  };
  const file = path.join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { dir, file, env };
}

export async function startGatewayProcess(opts: GatewayOptions): Promise<GatewayProcess> {
  const { dir, file, env } = writeGatewayConfig(opts);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), GATEWAY_MAIN, '--config', file], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${lines.join('\n')}`)), 10_000);
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}:\n${lines.join('\n')}`)));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        lines.push(line);
        const m = /"address":"[^"]*:(\d+)"/.exec(line);
        if (m && line.includes('gateway listening')) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    }
  });
  return {
    port,
    lines,
    child,
    proxyUrl: (token) => `http://x:${encodeURIComponent(token)}@127.0.0.1:${port}`,
    // The config folder holds the test CA's key: removed with the gateway.
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
