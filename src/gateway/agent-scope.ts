import { APPROVAL_SESSION_IDLE_MS, APPROVAL_SESSION_MAX_MS, APPROVAL_WAIT_MS, type ApprovalDecision } from '../shared/approval.js';
import type { GatewayMapping } from '../shared/gateway-config.js';
import type { AgentIdentity, AgentPolicy } from './agent-auth.js';
import type { Clock } from '../shared/credential-cache.js';

export type ScopeVerdict = { readonly ok: true } | { readonly ok: false; readonly code: 'not_permitted' | 'denied' | 'not_approved'; readonly message: string };

/** Asks the launcher (and so the user) whether an agent may use a mapping for the first time. */
export type ApprovalSource = (agent: string, mappingId: string) => Promise<{ decision: ApprovalDecision; expiresAt?: number | undefined }>;

const OK: ScopeVerdict = { ok: true };

interface Session {
  idleUntil: number;
  readonly hardUntil: number;
}

/**
 * Authority and consent on the hot path (docs/security.md: token = identity, scope = authority,
 * approval = consent). A scope check is a Set lookup; an agent that asks is held only for a
 * mapping it has no live approval for, and concurrent held requests of one agent for one mapping
 * share one question to the user.
 */
export class AgentScope {
  readonly #sessions = new Map<string, Session>();
  readonly #asking = new Map<string, Promise<ScopeVerdict>>();

  constructor(
    private readonly source: ApprovalSource | undefined,
    private readonly clock: Clock = Date,
  ) {}

  check(agent: AgentIdentity, policy: AgentPolicy, mapping: GatewayMapping): ScopeVerdict | Promise<ScopeVerdict> {
    if (policy.allow && !policy.allow.has(mapping.id)) {
      return {
        ok: false,
        code: 'not_permitted',
        message: `Agent "${agent.name}" may not use ${mapping.id}: allow it with onecli-launcher agents allow ${agent.name} ${mapping.id}, or under Agents.`,
      };
    }
    if (!policy.ask || policy.approved.has(mapping.id)) return OK;
    const key = `${agent.key}\0${mapping.id}`;
    const now = this.clock.now();
    const session = this.#sessions.get(key);
    if (session && now < session.idleUntil && now < session.hardUntil) {
      session.idleUntil = Math.min(now + APPROVAL_SESSION_IDLE_MS, session.hardUntil);
      return OK;
    }
    if (session) this.#sessions.delete(key);
    const pending = this.#asking.get(key);
    if (pending) return pending;
    const asked = this.#ask(agent, mapping, key).finally(() => this.#asking.delete(key));
    this.#asking.set(key, asked);
    return asked;
  }

  /** Forgets session approvals (the agent's token changed, or its policy did). */
  forget(agentKey?: string): void {
    if (agentKey === undefined) return this.#sessions.clear();
    for (const key of this.#sessions.keys()) if (key.startsWith(`${agentKey}\0`)) this.#sessions.delete(key);
  }

  async #ask(agent: AgentIdentity, mapping: GatewayMapping, key: string): Promise<ScopeVerdict> {
    const notApproved: ScopeVerdict = {
      ok: false,
      code: 'not_approved',
      message: `Nobody approved "${agent.name}" using ${mapping.id} within ${APPROVAL_WAIT_MS / 1000} s. Approve it in OneCLI (or onecli-launcher approvals allow), then retry.`,
    };
    if (!this.source) return notApproved;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ decision: ApprovalDecision }>((resolve) => {
      // A little longer than the launcher's own wait, so its answer (`timeout` included) wins.
      timer = setTimeout(() => resolve({ decision: 'timeout' }), APPROVAL_WAIT_MS + 5_000);
    });
    const answer = await Promise.race([this.source(agent.name, mapping.id).catch(() => ({ decision: 'timeout' as const })), timeout]).finally(() =>
      clearTimeout(timer),
    );
    switch (answer.decision) {
      case 'session':
      case 'always': {
        const now = this.clock.now();
        const expiresAt = 'expiresAt' in answer && answer.expiresAt !== undefined ? answer.expiresAt : now + APPROVAL_SESSION_MAX_MS;
        this.#sessions.set(key, { idleUntil: Math.min(now + APPROVAL_SESSION_IDLE_MS, expiresAt), hardUntil: expiresAt });
        return OK;
      }
      case 'deny':
        return { ok: false, code: 'denied', message: `You denied "${agent.name}" the use of ${mapping.id}. Allow it under Agents to change that.` };
      case 'timeout':
        return notApproved;
    }
  }
}
