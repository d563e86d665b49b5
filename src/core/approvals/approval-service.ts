import { APPROVAL_SESSION_IDLE_MS, APPROVAL_SESSION_MAX_MS, APPROVAL_WAIT_MS, type ApprovalDecision } from '../../shared/approval.js';
import type { ApprovalAnswer, ApprovalView } from '../../shared/control-api.js';
import { ControlError } from '../control-error.js';
import { newApprovalId } from './approval-id.js';

/** What the gateway is told: the decision, and a session's hard end. */
export type ApprovalOutcome = { decision: ApprovalDecision; expiresAt?: number };

export interface ApprovalTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ApprovalLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ApprovalServiceDeps {
  /** The mapping's host and service name for the card; undefined when no such mapping exists. */
  readonly describe: (mappingId: string) => { host: string; service?: string | undefined } | undefined;
  /**
   * `ask` while the agent exists, asks first and may use the mapping (its scope): nothing else is
   * asked about. `approved`: allowed always, or it no longer asks (the gateway has not heard yet).
   */
  readonly standing: (agent: string, mappingId: string) => 'ask' | 'approved' | 'refused';
  /** Keeps "always" in the agent's settings (and pushes it to the gateway). */
  readonly keepAlways: (agent: string, mappingId: string) => void;
  /** The pending list changed: a card appeared or went. */
  readonly onChange: (pending: readonly ApprovalView[]) => void;
  readonly log: ApprovalLogger;
  readonly timers?: ApprovalTimers;
  readonly newId?: () => string;
}

/**
 * An agent that asks is held per mapping, and each mapping is asked about once at a time (the
 * gateway shares one question among concurrent requests; so does this). A hostile agent must not
 * bury the user in cards: it gets at most this many at once, and every card beyond gets
 * `not_approved` at once, without a card.
 */
export const MAX_PENDING_PER_AGENT = 3;
/** All agents together. */
export const MAX_PENDING = 20;
/**
 * After a Deny, the same agent asking for the same mapping is denied without a new card for as
 * long as a session approval would last idle: "no" is an answer, and a loop of retries must not
 * turn it into a stream of prompts. Editing the agent (scope, policy, "always") forgets it.
 */
export const DENY_REMEMBERED_MS = APPROVAL_SESSION_IDLE_MS;

interface Pending {
  readonly view: ApprovalView;
  readonly outcome: Promise<ApprovalOutcome>;
  readonly settle: (outcome: ApprovalOutcome) => void;
}

const realTimers: ApprovalTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const pairKey = (agent: string, mappingId: string) => `${agent}\0${mappingId}`;

/**
 * Consent (docs/security.md): the requests held for the user's approval, their cards, and the
 * answers. The gateway keeps session approvals on its hot path; this keeps the questions.
 */
export class ApprovalService {
  readonly #pending = new Map<string, Pending>();
  readonly #byPair = new Map<string, string>();
  /** agent\0mapping → until when a repeat is denied without asking. */
  readonly #denied = new Map<string, number>();
  readonly #timers: ApprovalTimers;
  readonly #newId: () => string;

  constructor(private readonly deps: ApprovalServiceDeps) {
    this.#timers = deps.timers ?? realTimers;
    this.#newId = deps.newId ?? newApprovalId;
  }

  /** Oldest first. */
  list(): ApprovalView[] {
    return [...this.#pending.values()].map((p) => p.view);
  }

  /** The gateway holds a request of `agent` for `mappingId`: ask the user, wait up to 60 s. */
  request(agent: string, mappingId: string): Promise<ApprovalOutcome> {
    const key = pairKey(agent, mappingId);
    const shared = this.#byPair.get(key);
    if (shared !== undefined) return this.#pending.get(shared)!.outcome;
    const target = this.deps.describe(mappingId);
    const standing = target ? this.deps.standing(agent, mappingId) : 'refused';
    const now = this.#timers.now();
    if (standing === 'approved') return Promise.resolve({ decision: 'always', expiresAt: now + APPROVAL_SESSION_MAX_MS });
    if (!target || standing === 'refused') {
      this.deps.log.warn({ agent, mapping: mappingId.slice(0, 200) }, 'approval asked for a mapping the agent may not use; not asked');
      return Promise.resolve({ decision: 'timeout' });
    }
    const deniedUntil = this.#denied.get(key);
    if (deniedUntil !== undefined && now < deniedUntil) return Promise.resolve({ decision: 'deny' });
    this.#denied.delete(key);
    const mine = this.list().filter((v) => v.agent === agent).length;
    if (mine >= MAX_PENDING_PER_AGENT || this.#pending.size >= MAX_PENDING) {
      this.deps.log.warn({ agent, mapping: mappingId, pending: mine }, 'too many approvals waiting; this request is not approved and no card is shown');
      return Promise.resolve({ decision: 'timeout' });
    }
    let id = this.#newId();
    while (this.#pending.has(id)) id = this.#newId();
    const view: ApprovalView = {
      id,
      agent,
      mapping: mappingId,
      host: target.host,
      ...(target.service ? { service: target.service } : {}),
      requestedAt: now,
      expiresAt: now + APPROVAL_WAIT_MS,
    };
    let settle!: (outcome: ApprovalOutcome) => void;
    const outcome = new Promise<ApprovalOutcome>((resolve) => {
      const timer = this.#timers.setTimeout(() => this.#settle(id, { decision: 'timeout' }), APPROVAL_WAIT_MS);
      settle = (o) => {
        this.#timers.clearTimeout(timer);
        resolve(o);
      };
    });
    this.#pending.set(id, { view, outcome, settle });
    this.#byPair.set(key, id);
    this.deps.log.info({ agent, mapping: mappingId, approval: id }, 'approval requested');
    this.#changed();
    return outcome;
  }

  /** The user's answer to one card. */
  decide(id: string, answer: ApprovalAnswer): ApprovalView {
    const pending = this.#pending.get(id);
    if (!pending)
      throw new ControlError(
        'not_found',
        `No approval "${id.slice(0, 40)}" is waiting: it was answered, or its request gave up after ${APPROVAL_WAIT_MS / 1000} s. See onecli-launcher approvals list.`,
      );
    const { agent, mapping } = pending.view;
    const now = this.#timers.now();
    if (answer === 'always') this.deps.keepAlways(agent, mapping);
    if (answer === 'deny') this.#denied.set(pairKey(agent, mapping), now + DENY_REMEMBERED_MS);
    this.deps.log.info({ agent, mapping, approval: id, decision: answer }, 'approval answered');
    this.#settle(id, answer === 'deny' ? { decision: 'deny' } : { decision: answer, expiresAt: now + APPROVAL_SESSION_MAX_MS });
    return pending.view;
  }

  /** Ends the waits that no longer make sense (the agent was revoked, the mapping removed): not approved. */
  cancelWhere(match: (view: ApprovalView) => boolean): void {
    for (const p of [...this.#pending.values()]) if (match(p.view)) this.#settle(p.view.id, { decision: 'timeout' });
  }

  /** The user edited the agent: a remembered Deny no longer stands. */
  forgetDenials(agent: string): void {
    for (const key of [...this.#denied.keys()]) if (key.startsWith(`${agent}\0`)) this.#denied.delete(key);
  }

  #settle(id: string, outcome: ApprovalOutcome): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#byPair.delete(pairKey(pending.view.agent, pending.view.mapping));
    pending.settle(outcome);
    this.#changed();
  }

  #changed(): void {
    this.deps.onChange(this.list());
  }
}
