import type { IncomingHttpHeaders } from 'node:http';
import { describeBlock } from '../shared/agent-policy.js';
import type { GatewayMapping } from '../shared/gateway-config.js';
import { formatAuthority } from '../shared/host-authority.js';
import type { AgentIdentity, AgentPolicy } from './agent-auth.js';
import { blockingRule } from './block-rules.js';
import type { ErrorDetails } from './error-responses.js';
import type { MappingTable } from './mapping-table.js';
import type { RateLimiter } from '../shared/rate-limits.js';

/** A policy refusal (issue 14), ready for any door: nothing has been sent anywhere. */
export interface PolicyRefusal {
  readonly code: 'egress_denied' | 'rate_limited_by_policy' | 'blocked_by_policy';
  readonly message: string;
  /** The rule, for the activity log: `egress allowlist`, `100/minute`, `block POST /v1/files`. */
  readonly rule: string;
  readonly details: ErrorDetails;
}

/**
 * May `policy`'s agent reach `host:port`? Open egress: yes. An allowlist: when the host is on it,
 * or is mapped and one of its mappings is in the agent's scope (the mapped host reached without
 * a credential, because no rule covers the request, counts as that host too).
 */
export function egressAllows(table: MappingTable, policy: AgentPolicy, host: string, port: number): boolean {
  if (!policy.egress) return true;
  if (policy.egress.allows(host, port)) return true;
  const rules = table.rulesFor(host, port);
  if (!rules) return false;
  const allow = policy.allow;
  return allow === undefined || rules.some((r) => allow.has(r.id));
}

/** The refusal for `host:port`, or undefined when the agent may go there. */
export function egressRefusal(table: MappingTable, agent: AgentIdentity, policy: AgentPolicy, host: string, port: number): PolicyRefusal | undefined {
  if (egressAllows(table, policy, host, port)) return undefined;
  return egressDenied(agent, formatAuthority({ host, port }));
}

export function egressDenied(agent: AgentIdentity, where: string): PolicyRefusal {
  return {
    code: 'egress_denied',
    message: `Agent "${agent.name}" may not reach ${where}: its egress is an allowlist, and ${where} is neither on it nor a mapped host in its scope. Nothing was sent. Add the host to the agent's allowlist under Agents if it should be reachable.`,
    rule: 'egress allowlist',
    details: { agent: agent.name, host: where },
  };
}

/** A block rule of `mapping` that refuses the request, as a refusal. */
export function blockRefusal(
  agent: AgentIdentity,
  mapping: GatewayMapping,
  method: string,
  target: string,
  headers: IncomingHttpHeaders,
): PolicyRefusal | undefined {
  const rule = blockingRule(mapping, method, target, headers);
  if (!rule) return undefined;
  const name = describeBlock(rule);
  return {
    code: 'blocked_by_policy',
    message: `A block rule of ${mapping.id} refuses ${name}: its credential is never used for that, and nothing was sent. Edit the mapping's block rules if the request is wanted.`,
    rule: `block ${name}`,
    details: { agent: agent.name },
  };
}

/** Counts the request against the agent's limits, or refuses it (counting nothing). */
export function rateRefusal(limiter: RateLimiter, agent: AgentIdentity, mappingId: string | null): PolicyRefusal | undefined {
  const refused = limiter.take(agent.name, mappingId);
  if (!refused) return undefined;
  return {
    code: 'rate_limited_by_policy',
    message: `Agent "${agent.name}" reached its limit of ${refused.limit}; nothing was sent. Retry in ${refused.retryAfter} s, or raise the limit under Agents.`,
    rule: refused.limit,
    details: { agent: agent.name, retryAfter: refused.retryAfter },
  };
}
