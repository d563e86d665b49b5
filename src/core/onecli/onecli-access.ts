import { CredentialCache, type Clock } from '../../shared/credential-cache.js';
import type { ActivityEntry } from '../../shared/gateway-messages.js';
import { ONECLI_AGENT, type OnecliResponse } from '../../shared/onecli-compat.js';
import { RateLimiter } from '../../shared/rate-limits.js';
import { withRemedyCommand } from '../../shared/remedy.js';
import { parseSecretReference } from '../../shared/secret-reference.js';
import type { AgentRecord, Settings } from '../../shared/settings.js';
import type { ResolveResult } from '../../shared/vault-errors.js';
import { referenceInScope } from '../agents/reference-scope.js';
import type { ApprovalOutcome } from '../approvals/approval-service.js';
import type { CoreLogger } from '../core-deps.js';
import type { Resolution } from '../mappings/resolve-mapping.js';
import { VaultError } from '../vault/vault-error.js';
import type { VaultSource } from '../vault/vault-source.js';
import { refuse, statusOf, type DoorFailure, type DoorResult } from './onecli-failures.js';
import { OnecliConsent } from './onecli-consent.js';
import { sdkCategory, sdkFieldType } from './sdk-names.js';

export interface OnecliAccessDeps {
  readonly settings: { get(): Settings };
  /** The app's own resolution of one reference: its current source, its error vocabulary. */
  readonly resolveReference: (reference: string) => Promise<Resolution>;
  /** The app's current 1Password source, for `validate` and the picker's lists. */
  readonly source: () => Promise<VaultSource>;
  /** The approval service's question (a card), for an agent that asks. */
  readonly ask: (agent: string, reference: string) => Promise<ApprovalOutcome>;
  /** Into the app's activity log. */
  readonly record: (entry: ActivityEntry) => void;
  readonly log: CoreLogger;
  readonly clock?: Clock;
  readonly approvalWaitMs?: number;
  /** The approval wait's timer (tests pass a manual one). */
  readonly setTimer?: (fn: () => void, ms: number) => { clear(): void };
}

/**
 * References the door's cache keeps at most. Its keys are whatever a caller sends (up to 16 KiB
 * each), so a caller that varies them must not grow the launcher without bound; one OneCLI uses
 * a few dozen.
 */
export const DOOR_CACHE_ENTRIES = 1_000;

/** Longest reference the activity log keeps (they are short; this one was sent by a caller). */
const REFERENCE_SHOWN = 600;

/**
 * What OneCLI may have, as the `onecli` agent: identity is the app's own pairing with OneCLI (the
 * gateway secret checked before this is reached), authority the agent's scope, consent its
 * policy, and its rate limits apply. Values come from the app's source through the same credential
 * cache the gateway uses (60 s, 30 s for a miss, 60 s cooldown). Every resolution, refused or not,
 * is a row of the activity log, with the reference and never the value.
 */
export class OnecliAccess {
  readonly #clock: Clock;
  readonly #cache: CredentialCache;
  readonly #limits: RateLimiter;
  readonly #consent: OnecliConsent;

  constructor(private readonly deps: OnecliAccessDeps) {
    this.#clock = deps.clock ?? Date;
    this.#cache = new CredentialCache((reference) => this.#fromSource(reference), this.#clock, DOOR_CACHE_ENTRIES);
    this.#limits = new RateLimiter(undefined, this.#clock);
    this.#consent = new OnecliConsent({
      ask: deps.ask,
      clock: this.#clock,
      ...(deps.approvalWaitMs ? { waitMs: deps.approvalWaitMs } : {}),
      ...(deps.setTimer ? { setTimer: deps.setTimer } : {}),
    });
  }

  /** Forget cached values (a source was paired or disconnected, a secret or a mapping changed, the door was turned off). */
  invalidate(): void {
    this.#cache.invalidate();
  }

  /** The agents were edited: the `onecli` agent's sessions end if it now grants less (onecli-consent.ts). */
  agentsChanged(): void {
    this.#consent.agentChanged(this.#agent());
  }

  async resolve(raw: string): Promise<DoorResult<string>> {
    const at = this.#clock.now();
    const parsed = parseSecretReference(raw);
    // What the log shows: the reference, or nothing of a text that is not one (it may be a pasted secret).
    const shown = 'error' in parsed ? '(not a reference)' : raw.slice(0, REFERENCE_SHOWN);
    const row = (status: number, mapping: string | null, extra: Partial<ActivityEntry>) =>
      this.deps.record({ at, agent: ONECLI_AGENT, door: 'onecli', method: 'resolve', host: shown, mapping, status, ms: this.#clock.now() - at, ...extra });
    const refused = (failure: DoorFailure, mapping: string | null, decision?: ActivityEntry['decision'], rule?: string) => {
      row(statusOf(failure).status, mapping, { error: failure.code, ...(decision ? { decision } : {}), ...(rule ? { rule } : {}) });
      return refuse(failure);
    };
    if ('error' in parsed) return refused({ code: 'bad_reference', message: `The reference ${parsed.error}.` }, null);
    if (parsed.kind !== 'op')
      return refused({ code: 'bad_reference', message: 'OneCLI asks for op:// references; local:// secrets are not served to it.' }, null);
    const agent = this.#agent();
    if (!agent) return refused(NO_AGENT, null, 'not_permitted');
    const scope = referenceInScope(this.deps.settings.get(), agent.allow, raw);
    if (!scope.inScope) return refused(outOfScope(raw, scope.mapping), scope.mapping, 'not_permitted');

    const consent = this.#consent.check(agent, raw);
    if (consent instanceof Promise) {
      const verdict = await consent;
      if (!verdict.ok) return refused(consentFailure(verdict.code, raw), scope.mapping, verdict.code);
      // The user took time: the agent may have been revoked, or its scope narrowed, meanwhile.
      const now = this.#agent();
      if (!now) return refused(NO_AGENT, null, 'not_permitted');
      if (!referenceInScope(this.deps.settings.get(), now.allow, raw).inScope) return refused(outOfScope(raw, scope.mapping), scope.mapping, 'not_permitted');
    } else if (!consent.ok) return refused(consentFailure(consent.code, raw), scope.mapping, consent.code);

    // Counted only once it would be resolved, as at the gateway: refused and unanswered calls use up nothing.
    const current = this.#agent() ?? agent;
    this.#limits.configure([{ name: ONECLI_AGENT, limits: current.limits }]);
    const limited = this.#limits.take(ONECLI_AGENT, scope.mapping);
    if (limited) {
      const failure: DoorFailure = {
        code: 'rate_limited_by_policy',
        message: `The onecli agent reached its limit of ${limited.limit}; nothing was resolved. Retry in ${limited.retryAfter} s, or raise the limit under Agents.`,
        retryAfter: limited.retryAfter,
      };
      return refused(failure, scope.mapping, 'rate_limited', limited.limit);
    }

    const result = await this.#cache.get(raw);
    if (!result.ok) return refused({ code: result.code, message: result.message }, scope.mapping);
    row(200, scope.mapping, { decision: 'resolved' });
    return { ok: true, value: result.value };
  }

  /** Upstream validates its token with a vault list (onepassword-service.ts `validateToken`); here: can the app's source list its vaults? */
  async validate(): Promise<DoorResult<OnecliResponse<'validate'>>> {
    if (!this.#agent()) return refuse(NO_AGENT);
    return this.#fromList(async (source) => {
      await source.listVaults();
      return { valid: true as const };
    });
  }

  listVaults(): Promise<DoorResult<OnecliResponse<'list-vaults'>>> {
    return this.#browse(async (source) => ({ vaults: (await source.listVaults()).map((v) => ({ id: v.id, title: v.name })) }));
  }

  listItems(vaultId: string): Promise<DoorResult<OnecliResponse<'list-items'>>> {
    return this.#browse(async (source) => ({
      items: (await source.listItems(vaultId)).map((i) => ({ id: i.id, title: i.title, category: sdkCategory(i.category) })),
    }));
  }

  /** Labels and types only: a FieldSummary has no value to give. */
  listFields(vaultId: string, itemId: string): Promise<DoorResult<OnecliResponse<'list-fields'>>> {
    return this.#browse(async (source) => {
      const fields = await source.listFields(vaultId, itemId);
      const sections = new Map<string, string>();
      for (const f of fields) if (f.sectionId !== undefined && !sections.has(f.sectionId)) sections.set(f.sectionId, f.section ?? '');
      return {
        fields: fields.map((f) => ({
          id: f.id,
          title: f.label,
          fieldType: sdkFieldType(f.type),
          ...(f.sectionId !== undefined ? { sectionId: f.sectionId } : {}),
        })),
        sections: [...sections].map(([id, title]) => ({ id, title })),
      };
    });
  }

  #agent(): AgentRecord | undefined {
    return this.deps.settings.get().agents.find((a) => a.name === ONECLI_AGENT);
  }

  /**
   * The picker's lists show names (vaults, items, fields), never values. A scope of every
   * reference may see them all; a scope of a few mappings may not browse at all: the names of
   * everything else the source can see are outside what the user granted.
   */
  #browse<T>(list: (source: VaultSource) => Promise<T>): Promise<DoorResult<T>> {
    const agent = this.#agent();
    if (!agent) return Promise.resolve(refuse(NO_AGENT));
    if (agent.allow !== 'all')
      return Promise.resolve(
        refuse({
          code: 'not_permitted',
          everyReference: true,
          message:
            "Browsing 1Password is off for OneCLI: the onecli agent may use only the references of its mappings. Copy a mapping's reference from OneCLI.app (onecli-launcher mappings list), or let the agent use every reference under Agents.",
        }),
      );
    return this.#fromList(list);
  }

  async #fromList<T>(work: (source: VaultSource) => Promise<T>): Promise<DoorResult<T>> {
    try {
      return { ok: true, value: await work(await this.deps.source()) };
    } catch (err) {
      if (err instanceof VaultError) return refuse({ code: err.code, message: withRemedyCommand(err.fix, err.remedy), everyReference: true });
      this.deps.log.error({ door: 'onecli', kind: err instanceof Error ? err.name : typeof err }, 'listing 1Password failed unexpectedly');
      return refuse({ code: 'unavailable', message: '1Password could not be listed; see the launcher log.', everyReference: true });
    }
  }

  /** The cache's source: a failure's remedy becomes the command to run (its reader is in a terminal or a log), as the gateway's are. */
  async #fromSource(reference: string): Promise<ResolveResult> {
    const result = await this.deps.resolveReference(reference);
    if (result.ok) return result;
    return { ok: false, code: result.code, message: withRemedyCommand(result.message, result.remedy).slice(0, 500) };
  }
}

const NO_AGENT: DoorFailure = {
  code: 'not_permitted',
  everyReference: true,
  message: 'There is no onecli agent in OneCLI.app (it was revoked): run onecli-launcher onecli-compat enable again, which makes it anew.',
};

function outOfScope(reference: string, mapping: string | null): DoorFailure {
  const fix = mapping
    ? `allow the mapping that holds it with onecli-launcher agents allow onecli ${mapping}, or under Agents`
    : 'no mapping in its scope holds this reference: add a mapping for it and allow that, or let the agent use every reference under Agents';
  return { code: 'not_permitted', message: `The onecli agent may not use ${reference}: ${fix}.` };
}

function consentFailure(code: 'denied' | 'not_approved', reference: string): DoorFailure {
  return code === 'denied'
    ? { code, message: `You denied the onecli agent ${reference}. Allow it under Agents to change that.` }
    : {
        code,
        message: `Nobody approved the onecli agent using ${reference} yet. Answer the card in OneCLI.app (or onecli-launcher approvals allow ID); OneCLI's next try after that gets it.`,
      };
}
