import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { GatewayMapping, GatewayTimeouts } from '../shared/gateway-config.js';
import type { GatewayErrorCode } from '../shared/gateway-errors.js';
import type { ActivityEntry, GatewayDoor } from '../shared/gateway-messages.js';
import type { ActivityRecorder } from './activity.js';
import type { BufferReclaim } from './buffer-reclaim.js';
import type { AgentAuth, AgentIdentity } from './agent-auth.js';
import type { AgentConnections } from './agent-connections.js';
import type { AgentScope, ScopeVerdict } from './agent-scope.js';
import type { CredentialCache } from '../shared/credential-cache.js';
import type { ErrorDetails } from './error-responses.js';
import { INTERNAL_ERROR_MESSAGE } from './fault-isolation.js';
import { injectionFor, type Injection } from './injection.js';
import type { LeafCertificates } from './leaf-certificates.js';
import type { Logger } from './log.js';
import { sameMapping, type MappingTable } from './mapping-table.js';
import type { RateLimiter } from '../shared/rate-limits.js';
import { blockRefusal, rateRefusal, type PolicyRefusal } from './request-policy.js';
import type { Upstream } from './upstream.js';

type Decision = NonNullable<ActivityEntry['decision']>;

/** Everything the doors share. `table` is swapped whole when the launcher sends new mappings. */
export interface GatewayState {
  table: MappingTable;
  readonly auth: AgentAuth;
  readonly cache: CredentialCache;
  readonly leafs: LeafCertificates;
  readonly upstream: Upstream;
  readonly timeouts: GatewayTimeouts;
  readonly log: Logger;
  readonly activity: ActivityRecorder;
  readonly connections: AgentConnections;
  readonly scope: AgentScope;
  /** Rate-limit counters per agent and mapping (issue 14). */
  readonly limits: RateLimiter;
  /** False only for the bench's baseline: responses are then relayed unscanned. */
  readonly responseScan: boolean;
  /** `node-http` only for the bench's A/B of the upstream leg (upstream-request.ts). */
  readonly upstreamLeg: UpstreamLeg;
  /** Body bytes relayed, and the minor collection that frees their dead buffers (buffer-reclaim.ts). */
  readonly reclaim: BufferReclaim;
}

export type UpstreamLeg = 'undici' | 'node-http';

export type CredentialFailed = (code: GatewayErrorCode, message: string, details?: ErrorDetails) => void;

/** What block rules look at: the method, the origin-form target the mapping was matched on, the headers. */
export interface PolicyRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
}

/** Records a policy refusal's rule in the activity log and fails the request with it. */
export function refuseWith(activity: ActivityHandle, refusal: PolicyRefusal, failed: CredentialFailed): void {
  activity.rule(refusal.rule);
  failed(refusal.code, refusal.message, refusal.details);
}

/**
 * Policy, scope and consent, then the credential: no block rule of `mapping` refuses the request
 * (403 `blocked_by_policy`), the agent may use `mapping` (403 `not_permitted`), one that asks has
 * it approved (held until the user answers; 403 `denied`/`not_approved`), and the request is
 * within the agent's rate limits (429 `rate_limited_by_policy`; counted only once it would be
 * sent, so refused and held requests use up nothing). After a wait, `recheck` runs again: the
 * agent may have been revoked meanwhile.
 */
export function withPermittedCredential(
  state: GatewayState,
  agent: AgentIdentity,
  mapping: GatewayMapping,
  request: PolicyRequest,
  activity: ActivityHandle,
  ready: (injection: Injection) => void,
  failed: CredentialFailed,
  recheck: Recheck,
): void {
  const policy = state.auth.policyOf(agent);
  if (!policy) {
    const revoked = recheck();
    return failed(revoked?.code ?? 'proxy_auth_required', revoked?.message ?? 'This agent token was revoked.');
  }
  const blocked = blockRefusal(agent, mapping, request.method, request.target, request.headers);
  if (blocked) return refuseWith(activity, blocked, failed);
  const proceed = (verdict: ScopeVerdict, waited: boolean) => {
    if (!verdict.ok) return failed(verdict.code, verdict.message);
    if (waited) {
      const refused = recheck();
      if (refused) return failed(refused.code, refused.message);
    }
    const limited = rateRefusal(state.limits, agent, mapping.id);
    if (limited) return refuseWith(activity, limited, failed);
    withCredential(
      state,
      mapping,
      (injection) => {
        activity.decide('injected');
        ready(injection);
      },
      failed,
      recheck,
    );
  };
  const verdict = state.scope.check(agent, policy, mapping);
  if (!(verdict instanceof Promise)) return proceed(verdict, false);
  activity.decide('awaiting_approval');
  verdict
    .then((v) => proceed(v, true))
    .catch((err: unknown) => {
      state.log.error({ err, mapping: mapping.id }, 'a request failed inside the gateway');
      failed('internal_error', INTERNAL_ERROR_MESSAGE);
    });
}

/**
 * Gets the mapping's injection, synchronously when cached (the hot path), and calls exactly one
 * of the callbacks. A value that cannot be a header value fails as `invalid_value`. A throw in
 * `ready` after an asynchronous resolve fails this request as `internal_error` (it would
 * otherwise be an unhandled rejection, which ends the process).
 */
/** Asked again when a resolve took time: is the request still entitled (agent current, mapping unchanged)? */
export type Recheck = () => { readonly code: GatewayErrorCode; readonly message: string } | undefined;

export function withCredential(
  state: GatewayState,
  mapping: GatewayMapping,
  ready: (injection: Injection) => void,
  failed: CredentialFailed,
  recheck?: Recheck,
): void {
  const apply = (result: Awaited<ReturnType<CredentialCache['get']>>) => {
    if (!result.ok) return failed(result.code, result.message);
    const built = injectionFor(mapping, result);
    if (built.ok) ready(state.responseScan ? built.injection : { headers: built.injection.headers, query: built.injection.query });
    else {
      state.log.warn({ mapping: mapping.id }, 'refused: the resolved value cannot be sent in a header');
      failed('invalid_value', built.message);
    }
  };
  const result = state.cache.get(mapping.id);
  if (!(result instanceof Promise)) return apply(result);
  const applyLater = (r: Awaited<ReturnType<CredentialCache['get']>>) => {
    // The agent may have been revoked, or the mapping removed, while 1Password answered.
    const refused = recheck?.();
    if (refused) return failed(refused.code, refused.message);
    apply(r);
  };
  result
    .then(applyLater, () => failed('unavailable', 'resolving the credential failed'))
    .catch((err: unknown) => {
      state.log.error({ err, mapping: mapping.id }, 'a request failed inside the gateway');
      failed('internal_error', INTERNAL_ERROR_MESSAGE);
    });
}

/** Starts timing a request; the returned function records it in the activity log once. */
export function startActivity(state: GatewayState, door: GatewayDoor, method: string, initialHost: string) {
  let host = initialHost;
  const at = Date.now();
  const t0 = performance.now();
  let agent: string | null = null;
  let mapping: string | null = null;
  let decision: Decision | undefined;
  let rule: string | undefined;
  let recorded = false;
  const entry = (status: number, error?: GatewayErrorCode): ActivityEntry => {
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    return { at, agent, door, method, host, mapping, status, ms, ...(error ? { error } : {}), ...(decision ? { decision } : {}), ...(rule ? { rule } : {}) };
  };
  return {
    /** Who asked and which mapping applies; `target` replaces the host once it is known. */
    identify(agentName: string | null, mappingId: string | null, target?: string) {
      agent = agentName;
      mapping = mappingId;
      if (target !== undefined) host = target;
    },
    /** What was decided about the credential; `awaiting_approval` is recorded at once, as its own line. */
    decide(d: Decision) {
      if (d === 'awaiting_approval') {
        decision = d;
        state.activity.record(entry(0));
        decision = undefined;
        return;
      }
      decision = d;
    },
    /** The policy rule behind the decision (issue 14). */
    rule(text: string) {
      rule = text;
    },
    done(status: number, error?: GatewayErrorCode) {
      if (recorded) return;
      recorded = true;
      const decided = error === undefined ? undefined : DECISION_OF_ERROR[error];
      if (decided) decision = decided;
      state.activity.record(entry(status, error));
    },
  };
}
export type ActivityHandle = ReturnType<typeof startActivity>;

/** Errors that are decisions about the request, as the activity log names them. */
const DECISION_OF_ERROR: Partial<Record<GatewayErrorCode, Decision>> = {
  not_permitted: 'not_permitted',
  denied: 'denied',
  not_approved: 'not_approved',
  egress_denied: 'egress_denied',
  rate_limited_by_policy: 'rate_limited',
  blocked_by_policy: 'blocked',
};

const MAPPING_CHANGED = 'The mapping changed while its credential was being resolved: retry the request.';

/** The usual recheck: `agent` still current (else `revoked`), `mapping` still the same. */
export function entitled(state: GatewayState, agent: AgentIdentity, mapping: GatewayMapping, revoked: { code: GatewayErrorCode; message: string }): Recheck {
  return () => {
    if (!state.auth.isCurrent(agent)) return revoked;
    if (!sameMapping(mapping, state.table.byId(mapping.id))) return { code: 'unavailable', message: MAPPING_CHANGED };
    return undefined;
  };
}
