import { z } from 'zod';
import { EgressMode, EgressPolicy, RateLimit, RatePeriod } from './agent-policy.js';

/**
 * The policy half of the control API (issue 14): the params of its methods (egress, rate limits,
 * block rules; CONTROL_METHODS pairs them with their results), and the recent refusals the tray
 * and the popover offer a fix for.
 */

const AgentName = z.string().min(1).max(40);
const Hosts = z.array(z.string().min(1).max(300)).max(10_000);

/** A block rule as the user typed it: checked (and given its stored form) by the core. */
export const BlockRuleInput = z.object({ methods: z.array(z.string().max(200)).max(20).optional(), path: z.string().max(500).optional() }).strict();

/** One click that undoes a refusal: put the host on the agent's egress list, or the mapping in its scope. */
export const PolicyFix = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('allow-egress'), agent: z.string(), host: z.string() }),
  z.object({ kind: z.literal('allow-mapping'), agent: z.string(), mapping: z.string() }),
]);
export type PolicyFix = z.infer<typeof PolicyFix>;

/**
 * An agent was refused by policy in the last minutes (one per agent, host and decision, the
 * latest): what the tray's badge counts and the popover lists. `fix` is absent for a rate limit
 * or a block rule: those are rules the user wrote on purpose, changed on the agent's page.
 */
export const PolicyDenial = z.object({
  agent: z.string(),
  host: z.string(),
  mapping: z.string().nullable(),
  decision: z.enum(['egress_denied', 'not_permitted', 'rate_limited', 'blocked']),
  rule: z.string().optional(),
  at: z.number(),
  count: z.number().int().positive(),
  fix: PolicyFix.optional(),
});
export type PolicyDenial = z.infer<typeof PolicyDenial>;

/** What the agent screen shows beside scope and consent. */
export const AgentPolicyView = { egress: EgressPolicy, limits: z.array(RateLimit) };

export const POLICY_PARAMS = {
  /** Egress mode and list: `mode`, hosts to `add` or `remove`, `presets` (ids of EGRESS_PRESETS) to add; at least one. */
  egress: z
    .object({
      name: AgentName,
      mode: EgressMode.optional(),
      add: Hosts.optional(),
      remove: Hosts.optional(),
      presets: z.array(z.string().max(40)).max(10).optional(),
    })
    .strict()
    .refine((p) => p.mode !== undefined || p.add?.length || p.remove?.length || p.presets?.length, 'give a mode, hosts to add or remove, or presets'),
  /** Sets a limit (`max` per `per`, replacing that period's limit of the same target), or takes limits `off`; `mapping` absent: all its traffic. */
  limit: z
    .object({
      name: AgentName,
      mapping: z.string().min(1).max(600).optional(),
      max: z.number().int().min(1).max(1_000_000_000).optional(),
      per: RatePeriod.optional(),
      off: z.literal(true).optional(),
    })
    .strict()
    .refine((p) => (p.off ? p.max === undefined : p.max !== undefined && p.per !== undefined), 'give max and per (100 per minute), or off'),
  /** Adds or removes block rules of a mapping (`clear`: all of them first). */
  block: z
    .object({
      host: z.string().min(1).max(800),
      add: z.array(BlockRuleInput).max(100).optional(),
      remove: z.array(BlockRuleInput).max(100).optional(),
      clear: z.literal(true).optional(),
    })
    .strict()
    .refine((p) => p.add?.length || p.remove?.length || p.clear, 'give block rules to add or remove, or clear'),
} as const;

/** A fix as a button or a menu item says it: "Allow paste.example for claude". */
export function policyFixLabel(fix: PolicyFix): string {
  return fix.kind === 'allow-egress' ? `Allow ${fix.host} for ${fix.agent}` : `Let ${fix.agent} use ${fix.mapping}`;
}

/** The control call a fix makes: one place, for the tray, the popover and the web UI alike. */
export function policyFixCall(
  fix: PolicyFix,
): { method: 'agents.egress'; params: { name: string; add: string[] } } | { method: 'agents.allow'; params: { name: string; mappings: string[] } } {
  return fix.kind === 'allow-egress'
    ? { method: 'agents.egress', params: { name: fix.agent, add: [fix.host] } }
    : { method: 'agents.allow', params: { name: fix.agent, mappings: [fix.mapping] } };
}
