/** What the orchestrator and upstream-server.ts exchange (config file and IPC messages). */
import { isIPv4 } from 'node:net';

export interface UpstreamServerConfig {
  certFile: string;
  keyFile: string;
  /** Loopback IPv4 addresses, one listener each; the first is the main host. */
  ips: string[];
}

export interface UpstreamListener {
  ip: string;
  port: number;
}

export interface UpstreamReady {
  type: 'ready';
  listeners: UpstreamListener[];
}

/** Since the last reset: requests, how many carried the injected value, TLS connections accepted. */
export interface UpstreamCounters {
  type: 'counters';
  requests: number;
  injected: number;
  connections: number;
}

export function isLoopbackIp(ip: string): boolean {
  return isIPv4(ip) && ip.startsWith('127.');
}
