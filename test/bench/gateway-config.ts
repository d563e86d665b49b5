/** Writes a standalone gateway config (docs/gateway.md format) for the bench. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchPki } from './bench-pki.js';

export const INJECT_HEADER = 'x-api-key';
const VALUE_ENV = 'BENCH_INJECT_VALUE';
const TOKEN_ENV = 'BENCH_PROXY_TOKEN';

export interface GatewayConfigSpec {
  /** Chosen by the bench: at log levels above "info" the gateway does not log its address. */
  listenPort: number;
  /** `ip:port` authorities to map (MITM + inject). */
  mappedHosts: readonly string[];
  /**
   * Extra mappings, each with a path rule (half with methods too), for hosts nobody calls; with
   * any, the called hosts also get path rules that the bench's requests (GET /echo) walk past
   * before their catch-all mapping matches (issue 12: 10,000 mappings that carry path rules).
   */
  dummyMappings: number;
  /** false: the dummies carry no path rules (the pre-issue-12 table), for comparison. Default true. */
  pathRules?: boolean;
  logLevel: string;
  /** Issue 14: every agent (the bench's token first) gets an allowlist of this many hosts and two limits that never trip. */
  policy?: { egressEntries: number; agents: number };
}

export interface WrittenGatewayConfig {
  file: string;
  env: Record<string, string>;
}

/** Path rules on the called hosts that GET /echo never matches: near misses (`/echo-…`, `/e`) and deeper paths. */
const CALLED_HOST_PREFIXES = ['/echo/private/admin', '/echo-body/uploads', '/echo-internal', '/v1/messages', '/e', '/sse/private', '/echo/x', '/admin'];

function dummyHost(i: number): string {
  return `svc-${String(i).padStart(5, '0')}.bench.invalid:${443 + (i % 7)}`;
}

export function writeGatewayConfig(dir: string, pki: BenchPki, spec: GatewayConfigSpec, secrets: { token: string; value: string }): WrittenGatewayConfig {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'ca.pem'), pki.gatewayCa.certPem);
  writeFileSync(path.join(dir, 'ca-key.pem'), pki.gatewayCa.keyPem, { mode: 0o600 });
  copyFileSync(pki.upstreamCaFile, path.join(dir, 'upstream-ca.pem'));
  const mapping = (host: string, rule: { path?: string; methods?: string[] } = {}) => ({ host, header: INJECT_HEADER, valueEnv: VALUE_ENV, ...rule });
  const withPathRules = spec.dummyMappings > 0 && spec.pathRules !== false;
  const dummies = Array.from({ length: spec.dummyMappings }, (_, i) =>
    mapping(dummyHost(i), withPathRules ? { path: `/v1/svc-${i}/items`, ...(i % 2 ? { methods: ['GET', 'HEAD'] } : {}) } : {}),
  );
  // Longer prefixes sort first, so each request checks these before its host's catch-all rule.
  const calledHostRules = (host: string) =>
    withPathRules ? CALLED_HOST_PREFIXES.map((prefix, k) => mapping(host, { path: prefix, ...(k % 2 ? { methods: ['POST'] } : {}) })) : [];
  const policy = spec.policy ? policyFor(spec.policy, spec.mappedHosts[0] ?? '', secrets.token) : undefined;
  const config = {
    listen: `127.0.0.1:${spec.listenPort}`,
    ca: { certFile: 'ca.pem', keyFile: 'ca-key.pem' },
    extraCaFile: 'upstream-ca.pem',
    agentTokensEnv: TOKEN_ENV,
    mappings: [...spec.mappedHosts.flatMap((h) => [mapping(h), ...calledHostRules(h)]), ...dummies],
    logLevel: spec.logLevel,
    ...(policy ? { agents: policy.agents } : {}),
  };
  const file = path.join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(config, null, 1));
  return { file, env: { [TOKEN_ENV]: policy ? policy.tokens.join(',') : secrets.token, [VALUE_ENV]: secrets.value } };
}

/**
 * `agent-1` (the bench's token) … `agent-N`, each with an allowlist of `egressEntries` hosts (a
 * quarter of them wildcards, none of them the upstream: it is reached as a mapped host in scope,
 * the longer path through the check) and limits on all traffic and on the mapped host that the
 * bench never reaches.
 */
function policyFor(spec: { egressEntries: number; agents: number }, mappedHost: string, benchToken: string) {
  const hosts = Array.from({ length: spec.egressEntries }, (_, i) => (i % 4 === 0 ? `*.zone-${i}.bench.invalid` : `pkg-${i}.bench.invalid`));
  const tokens = [benchToken, ...Array.from({ length: spec.agents - 1 }, (_, i) => `${benchToken}-other-${i + 2}`)];
  const agents = Object.fromEntries(
    tokens.map((_, i) => [
      `agent-${i + 1}`,
      {
        egress: { mode: 'allowlist', hosts },
        limits: [
          { max: 1_000_000_000, per: 'minute' },
          { mapping: mappedHost, max: 1_000_000_000, per: 'day' },
        ],
      },
    ]),
  );
  return { tokens, agents };
}
