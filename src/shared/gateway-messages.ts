import { z } from 'zod';
import { RateCounter } from './agent-policy.js';
import { AgentCredential, GatewayMapping, GatewayRuntimeConfig } from './gateway-config.js';
import { ApprovalDecision } from './approval.js';
import { ResolveResult } from './vault-errors.js';

/** Launcher → gateway, over the child's inherited IPC channel (fork IPC or Electron parentPort). */
export const ToGateway = z.discriminatedUnion('type', [
  /**
   * `rateCounters`: the launcher's copy of the rate-limit counters of windows still running, so
   * a restarted gateway goes on counting where the last one reported (issue 14).
   */
  z.object({ type: z.literal('configure'), config: GatewayRuntimeConfig, rateCounters: z.array(RateCounter).max(100_000).optional() }),
  z.object({ type: z.literal('set-mappings'), mappings: z.array(GatewayMapping) }),
  z.object({ type: z.literal('set-agents'), agents: z.array(AgentCredential) }),
  /** Forget cached values (all, or these mapping ids), e.g. after the user edits a mapping. */
  z.object({ type: z.literal('invalidate'), mappingIds: z.array(z.string()).optional() }),
  z.object({ type: z.literal('resolved'), requestId: z.number().int(), result: ResolveResult }),
  /** The user's answer to an `approval-request`; a session approval's hard end comes with it. */
  z.object({ type: z.literal('approval'), requestId: z.number().int(), decision: ApprovalDecision, expiresAt: z.number().optional() }),
  z.object({ type: z.literal('shutdown') }),
]);
export type ToGateway = z.infer<typeof ToGateway>;
export type ToGatewayInput = z.input<typeof ToGateway>;

/** Which door a request came through. */
export const GatewayDoor = z.enum(['proxy', 'route', 'tunnel', 'http']);
export type GatewayDoor = z.infer<typeof GatewayDoor>;

/** The gateway's doors, and the core's own OneCLI door (issue 15: upstream OneCLI asking for a reference). */
export const ActivityDoor = z.enum([...GatewayDoor.options, 'onecli']);
export type ActivityDoor = z.infer<typeof ActivityDoor>;

/**
 * One line of the activity log. Never a value, a token or a header. From the OneCLI door, `method`
 * is `resolve` and `host` the `op://` reference OneCLI asked for (a reference, never its value).
 */
export const ActivityEntry = z.object({
  at: z.number(), // epoch ms when the request started
  agent: z.string().nullable(),
  door: ActivityDoor,
  method: z.string(),
  host: z.string(),
  mapping: z.string().nullable(),
  status: z.number().int(),
  ms: z.number(),
  error: z.string().optional(), // a GatewayErrorCode
  /** What the gateway decided about the credential (absent: the host is not mapped); `resolved`: the OneCLI door handed the value to OneCLI. */
  decision: z
    .enum(['injected', 'resolved', 'no_rule', 'not_permitted', 'awaiting_approval', 'denied', 'not_approved', 'egress_denied', 'rate_limited', 'blocked'])
    .optional(),
  /** The policy rule behind a policy decision: `egress allowlist`, `100/minute`, `block POST /v1/files`. Never a value. */
  rule: z.string().max(300).optional(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/** Gateway → launcher. */
export const FromGateway = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), address: z.object({ host: z.string(), port: z.number().int() }) }),
  /** `errno`: the system's code for a failed listen (EADDRINUSE, EACCES), for the launcher to key on. */
  z.object({ type: z.literal('fatal'), code: z.enum(['bad_config', 'listen_failed']), errno: z.string().max(32).optional(), message: z.string() }),
  z.object({ type: z.literal('resolve'), requestId: z.number().int(), mappingId: z.string() }),
  /** An agent that asks wants a mapping it has not been approved for; its request is held. */
  z.object({ type: z.literal('approval-request'), requestId: z.number().int(), agent: z.string(), mappingId: z.string() }),
  z.object({ type: z.literal('activity'), entries: z.array(ActivityEntry) }),
  /** Rate-limit counters that moved since the last report (absolute counts); the launcher keeps them. */
  z.object({ type: z.literal('rate-usage'), counters: z.array(RateCounter) }),
]);
export type FromGateway = z.infer<typeof FromGateway>;
