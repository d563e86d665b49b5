/** The ways a request reaches the upstream: directly, or through one of the proxies. */
import type { ProxyProcess } from './bench-processes.js';

export type TargetName = 'direct' | 'gateway' | 'mitmproxy' | 'gateway-10k';

export interface ProxyTarget {
  /** `http://x:TOKEN@127.0.0.1:PORT` */
  url: string;
  /** The CA the proxy mints its leaf certificates from: what a client must trust through it. */
  caPem: string;
  process: ProxyProcess;
}

export interface Target {
  name: TargetName;
  /** Absent for direct. */
  proxy?: ProxyTarget;
}

export function proxyUrl(token: string, port: number): string {
  return `http://x:${encodeURIComponent(token)}@127.0.0.1:${port}`;
}
