import { egressEntry } from '../../shared/agent-policy.js';
import type { ActivityEntry } from '../../shared/gateway-messages.js';
import type { PolicyDenial, PolicyFix } from '../../shared/policy-api.js';

/** How long a refusal keeps the tray's badge up: long enough to be seen after a glance away. */
export const DENIAL_WINDOW_MS = 5 * 60_000;
/** The most the popover lists: an agent that probes a thousand hosts must not bury the card. */
export const DENIALS_SHOWN = 5;

type Refusal = PolicyDenial['decision'];
const REFUSALS: ReadonlySet<string> = new Set<Refusal>(['egress_denied', 'not_permitted', 'rate_limited', 'blocked']);

/**
 * The fix one click away. Egress: the host as an egress entry (its port only when it is not
 * 443 or 80, which an entry without a port covers); a host that is no valid entry (an SNI that
 * named nothing) gets no fix. Out of scope: the mapping into the scope. A rate limit or a block
 * rule is a rule the user wrote: no one-click undo.
 */
function fixFor(e: ActivityEntry & { decision: Refusal }): PolicyFix | undefined {
  if (!e.agent) return undefined;
  if (e.decision === 'not_permitted') return e.mapping ? { kind: 'allow-mapping', agent: e.agent, mapping: e.mapping } : undefined;
  if (e.decision !== 'egress_denied') return undefined;
  const entry = egressEntry(e.host.replace(/:(443|80)$/, ''));
  return entry === undefined || entry.startsWith('*.') ? undefined : { kind: 'allow-egress', agent: e.agent, host: entry };
}

/**
 * Agents refused by policy within the window: one per agent, host and decision (the latest, with
 * how many times), latest first, at most DENIALS_SHOWN. Approval refusals (denied, not approved)
 * are not here: the approval card is their place.
 */
export function recentDenials(entries: readonly ActivityEntry[], now: number, windowMs = DENIAL_WINDOW_MS): PolicyDenial[] {
  const byKey = new Map<string, PolicyDenial>();
  for (const e of entries) {
    if (now - e.at > windowMs || !e.agent || e.decision === undefined || !REFUSALS.has(e.decision)) continue;
    const decision = e.decision as Refusal;
    const key = `${e.agent}\0${e.host}\0${decision}\0${e.mapping ?? ''}`;
    const seen = byKey.get(key);
    const fix = fixFor({ ...e, decision });
    byKey.set(key, {
      agent: e.agent,
      host: e.host,
      mapping: e.mapping,
      decision,
      ...(e.rule ? { rule: e.rule } : {}),
      at: Math.max(e.at, seen?.at ?? 0),
      count: (seen?.count ?? 0) + 1,
      ...(fix ? { fix } : {}),
    });
  }
  return [...byKey.values()].sort((a, b) => b.at - a.at).slice(0, DENIALS_SHOWN);
}

/**
 * Re-announces status when the oldest listed refusal leaves the window, so the tray's badge and
 * the popover's card go away on their own, without a new request to prompt them.
 */
export class DenialExpiry {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly onExpire: () => void) {}

  watch(denials: readonly PolicyDenial[], now: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (denials.length === 0) return;
    const oldest = Math.min(...denials.map((d) => d.at));
    this.#timer = setTimeout(() => this.onExpire(), Math.max(1_000, oldest + DENIAL_WINDOW_MS - now + 100));
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
