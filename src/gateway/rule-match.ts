import type { GatewayMapping } from '../shared/gateway-config.js';
import { pathForMatching } from '../shared/mapping-path.js';
import { matchRule, type HostRules } from './mapping-table.js';

export interface RuleMatch {
  /** The rule that applies; undefined: the host is mapped, not this request (no credential). */
  readonly mapping: GatewayMapping | undefined;
  /** The origin-form target to send: dot segments resolved when a path rule decided on them. */
  readonly path: string;
}

/**
 * Which of a host's rules a request gets. It is matched on its path with dot segments resolved
 * (as the upstream resolves them), and when a path rule matched, the upstream is sent that same
 * resolved path, so `/v1/../admin` can never get the `/v1` credential anywhere.
 */
export function matchRequest(rules: HostRules, method: string, target: string): RuleMatch {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const path = pathForMatching(rawPath);
  if (path === undefined) return { mapping: undefined, path: target };
  const mapping = matchRule(rules, method, path);
  if (!mapping?.path || path === rawPath) return { mapping, path: target };
  return { mapping, path: q === -1 ? path : `${path}${target.slice(q)}` };
}
