import { APPROVAL_SESSION_IDLE_MS, APPROVAL_SESSION_MAX_MS } from '../../shared/approval.js';
import type { Clock } from '../../shared/credential-cache.js';
import type { AgentRecord } from '../../shared/settings.js';
import type { ApprovalOutcome } from '../approvals/approval-service.js';

/**
 * How long a resolve of the OneCLI door waits for the user's answer: under the 15 s upstream's
 * gateway waits for us (onepassword_api.rs `REQUEST_TIMEOUT`), so OneCLI gets our `not_approved`
 * rather than a timeout of its own, which it would count as an outage (a 60 s cooldown for every
 * reference). The card stays up for its full minute: an answer given after this still counts for
 * OneCLI's next try.
 */
export const ONECLI_APPROVAL_WAIT_MS = 12_000;

export type ConsentVerdict = { readonly ok: true } | { readonly ok: false; readonly code: 'denied' | 'not_approved' };

interface Session {
  idleUntil: number;
  readonly hardUntil: number;
}

export interface OnecliConsentDeps {
  /** The approval service's question: one card per agent and reference, 60 s. */
  readonly ask: (agent: string, reference: string) => Promise<ApprovalOutcome>;
  readonly clock: Clock;
  readonly waitMs?: number;
  readonly setTimer?: (fn: () => void, ms: number) => { clear(): void };
}

const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { clear: () => clearTimeout(t) };
};

/**
 * Whether an edit of the agent grants less than before, as the gateway decides it for its
 * sessions (src/gateway/agent-auth.ts `policyNarrowed`): it asks again, an "always" was taken
 * back, or its scope lost something.
 */
function narrowed(before: AgentRecord, after: AgentRecord): boolean {
  if (before.createdAt !== after.createdAt) return true;
  if (after.policy === 'ask' && before.policy !== 'ask') return true;
  if (before.approved.some((m) => !after.approved.includes(m))) return true;
  if (after.allow === 'all') return false;
  if (before.allow === 'all') return true;
  const allowed = after.allow;
  return before.allow.some((m) => !allowed.includes(m));
}

/**
 * Consent at the OneCLI door, as the gateway's AgentScope gives it on its doors (src/gateway/
 * agent-scope.ts): an agent that asks needs the user's approval for each reference, once per
 * session (10 minutes idle, 12 hours at most), or "always" (kept in the agent's `approved`). The
 * sessions are the launcher's, in memory; they end when the agent is made anew, stops asking, or
 * is edited to grant less (an "always" taken back ends the session its answer made too), as the
 * gateway's do.
 */
export class OnecliConsent {
  readonly #sessions = new Map<string, Session>();
  /** The agent as last seen, to tell an edit that narrowed it. */
  #seen: AgentRecord | undefined;

  constructor(private readonly deps: OnecliConsentDeps) {}

  /** The agents changed (the core hears of every edit, as the gateway does): sessions end if `onecli` now grants less, or is gone. */
  agentChanged(agent: AgentRecord | undefined): void {
    const before = this.#seen;
    this.#seen = agent;
    if (before && (!agent || narrowed(before, agent))) this.#sessions.clear();
  }

  check(agent: AgentRecord, reference: string): ConsentVerdict | Promise<ConsentVerdict> {
    this.agentChanged(agent);
    if (agent.policy !== 'ask') {
      // It stopped asking: when it asks again, every reference is asked about afresh.
      this.#sessions.clear();
      return { ok: true };
    }
    if (agent.approved.includes(reference)) return { ok: true };
    // The agent's creation time is part of the key: a revoked and re-created `onecli` starts over.
    const key = `${agent.createdAt}\0${reference}`;
    const now = this.deps.clock.now();
    const session = this.#sessions.get(key);
    if (session && now < session.idleUntil && now < session.hardUntil) {
      session.idleUntil = Math.min(now + APPROVAL_SESSION_IDLE_MS, session.hardUntil);
      return { ok: true };
    }
    if (session) this.#sessions.delete(key);
    return this.#wait(agent.name, reference, key);
  }

  #wait(agent: string, reference: string, key: string): Promise<ConsentVerdict> {
    const answer = this.deps.ask(agent, reference).then((outcome): ConsentVerdict => {
      if (outcome.decision === 'deny') return { ok: false, code: 'denied' };
      if (outcome.decision === 'timeout') return { ok: false, code: 'not_approved' };
      // "Always" is kept in the agent's list, which is checked first: no session of its own, so
      // taking it back under Agents → Access takes it back at once.
      if (outcome.decision === 'always') return { ok: true };
      // Kept whenever it comes, so an answer after our wait is there for OneCLI's next try.
      const now = this.deps.clock.now();
      const hardUntil = outcome.expiresAt ?? now + APPROVAL_SESSION_MAX_MS;
      this.#sessions.set(key, { idleUntil: Math.min(now + APPROVAL_SESSION_IDLE_MS, hardUntil), hardUntil });
      return { ok: true };
    });
    return new Promise((resolve) => {
      const timer = (this.deps.setTimer ?? realTimer)(() => resolve({ ok: false, code: 'not_approved' }), this.deps.waitMs ?? ONECLI_APPROVAL_WAIT_MS);
      void answer.then(
        (verdict) => {
          timer.clear();
          resolve(verdict);
        },
        () => {
          timer.clear();
          resolve({ ok: false, code: 'not_approved' });
        },
      );
    });
  }
}
