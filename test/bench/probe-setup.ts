/** What each one-scenario probe (heap-flags-probe.ts, path-rules-probe.ts) starts with: secrets, a PKI and one upstream listener. */
import { randomBytes } from 'node:crypto';
import { createBenchPki, type BenchPki } from './bench-pki.js';
import { startUpstream, type UpstreamProcess } from './bench-processes.js';
import type { ChildProcesses } from './child-processes.js';

export interface ProbeSetup {
  token: string;
  value: string;
  pki: BenchPki;
  upstream: UpstreamProcess;
  /** `ip:port` of the upstream's one listener. */
  authority: string;
}

export async function startProbeUpstream(children: ChildProcesses, workDir: string): Promise<ProbeSetup> {
  const token = randomBytes(24).toString('hex');
  const value = `bench-${randomBytes(12).toString('hex')}`;
  const pki = await createBenchPki(workDir, ['127.0.0.1']);
  const upstream = await startUpstream(children, workDir, pki, ['127.0.0.1'], value);
  const authority = `${upstream.listeners[0]!.ip}:${upstream.listeners[0]!.port}`;
  return { token, value, pki, upstream, authority };
}
