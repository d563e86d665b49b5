/**
 * The ways a request reaches the upstream, directly or through one of the proxies: what the
 * bench measures (a "target" in its logs). What each figure is held to is in targets.ts.
 */
import type { ProxyProcess } from './bench-processes.js';

/**
 * `gateway-10k`: the gateway with 10,000 extra mappings. `gateway-noscan`: the gateway (1 mapping)
 * relaying responses unscanned (ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN=1), the baseline for what
 * the response scan costs. `gateway-policy` (`--scenario policy`): the gateway with 1,000 egress
 * entries for the agent and 100 rate-limited agents, against the gateway without policy.
 * `gateway-10k-hostonly` (`--scenario path-rules`): 10,000 mappings without path rules, the
 * table before issue 12. `onecli-serve` (product-scenario.ts): the gateway that `onecli-launcher
 * serve` supervises, the whole headless product.
 * `gateway-node-http` (`--scenario upstream-leg`): the gateway with its upstream leg on node:http
 * (ONECLI_BENCH_UPSTREAM_LEG=node-http), against the default undici leg.
 * `gateway-blind`: the `gateway-noscan` process again (the same program and config as `gateway`;
 * its tunnels stay out of the gateway's own peak memory), asked for an unmapped listener of the upstream, so
 * each connection is a blind tunnel (CONNECT, then bytes copied both ways: no TLS termination, no
 * HTTP, no credential). What any proxy on this machine gets at best, with client, proxy and
 * upstream sharing its cores: the ceiling the keep-alive ratios are read against. No target.
 * `tls-pipe` (tls-pipe-proxy.ts): a CONNECT proxy in Node that terminates the client's TLS and
 * pipes the plaintext into its own TLS connection to the upstream, with no HTTP, credential or
 * scan: what terminating TLS on both legs costs in the gateway's runtime, the reference for the
 * figures a blind tunnel says little about (c=1, SSE, the 1 MiB echo). No target.
 */
export type TargetName = 'direct' | 'gateway' | 'mitmproxy' | 'onecli-serve' | 'gateway-blind' | 'tls-pipe' | GatewayTargetName;

/** Does this target's path add the credential (so the upstream must see it on every request)? */
export function injects(name: TargetName): boolean {
  return name !== 'direct' && name !== 'gateway-blind' && name !== 'tls-pipe';
}

/** The gateways the bench starts from dist/gateway/main.js. */
export type GatewayTargetName = 'gateway' | 'gateway-10k' | 'gateway-noscan' | 'gateway-policy' | 'gateway-10k-hostonly' | 'gateway-node-http';

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
  /** Where this target's requests go, when not the bench's origin (`gateway-blind`: the unmapped listener). */
  origin?: string;
}

export function proxyUrl(token: string, port: number): string {
  return `http://x:${encodeURIComponent(token)}@127.0.0.1:${port}`;
}
