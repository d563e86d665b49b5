import { randomBytes } from 'node:crypto';
import type { EgressMode, EgressPolicy, RateLimit } from '../../shared/agent-policy.js';
import type { AgentCredential } from '../../shared/gateway-config.js';
import { ONECLI_AGENT } from '../../shared/onecli-compat.js';
import { LOCAL_SECRET_NAME, parseSecretReference } from '../../shared/secret-reference.js';
import { mappingNameOf, type AgentAllow, type AgentPolicy, type AgentRecord } from '../../shared/settings.js';
import { ControlError } from '../control-error.js';
import { MappingInputError, parseMappingName } from '../mappings/mapping-rules.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { agentTokenName } from '../secrets/secret-names.js';
import { isReferenceSubject, referenceInScope } from './reference-scope.js';
import type { SecretStore } from '../secrets/secret-store.js';

/** 24 random bytes: as strong as an API key, and recognisable (`oc_`) if one turns up in a log. */
export function newAgentToken(): string {
  return `oc_${randomBytes(24).toString('base64url')}`;
}

export const DEFAULT_AGENT = 'default';

/** Named agent tokens: the name and date in settings, the token in the keychain. */
export class AgentRegistry {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly secrets: SecretStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): readonly AgentRecord[] {
    return this.settings.get().agents;
  }

  /** No `allow`: every mapping, as before scopes existed; no `policy`: it never asks. */
  async create(
    name: string,
    access: { allow?: readonly string[] | undefined; policy?: AgentPolicy | undefined; egress?: EgressMode | undefined } = {},
  ): Promise<{ name: string; token: string }> {
    if (!LOCAL_SECRET_NAME.test(name) || name.length > 40)
      throw new ControlError('invalid_params', 'Agent names are lower-case letters, digits, ".", "_" and "-", such as "claude".');
    if (this.list().some((a) => a.name === name)) throw new ControlError('conflict', `An agent named "${name}" exists; revoke it first or pick another name.`);
    // Checked before the token is made: a typo in --allow leaves nothing behind.
    const allow: AgentAllow = access.allow === undefined ? 'all' : this.mappingNames(access.allow);
    const token = newAgentToken();
    await this.secrets.set(agentTokenName(name), token);
    const record: AgentRecord = {
      name,
      createdAt: this.now().toISOString(),
      allow,
      policy: access.policy ?? 'allow',
      approved: [],
      egress: { mode: access.egress ?? 'open', hosts: [] },
      limits: [],
    };
    this.settings.update((s) => ({ ...s, agents: [...s.agents, record] }));
    return { name, token };
  }

  /** The agent, or a not_found that says how to see and create agents. */
  get(name: string): AgentRecord {
    const agent = this.list().find((a) => a.name === name);
    if (!agent)
      throw new ControlError(
        'not_found',
        `No agent named "${name.slice(0, 40)}": see onecli-launcher agents list, or create it with onecli-launcher agents create ${LOCAL_SECRET_NAME.test(name) ? name : 'NAME'}.`,
      );
    return agent;
  }

  /**
   * Mapping names as the user typed them (`api.github.com/repos/acme/`, `https://api.github.com`),
   * as stored, each once; an unknown one is a not_found that says how to list and add mappings.
   */
  mappingNames(raw: readonly string[]): string[] {
    const known = new Set(this.settings.get().mappings.map(mappingNameOf));
    const names: string[] = [];
    for (const given of raw) {
      let name: string;
      try {
        name = parseMappingName(given).name;
      } catch (err) {
        if (err instanceof MappingInputError) throw new ControlError('invalid_params', `"${given.slice(0, 100)}" is not a mapping name: ${err.message}`);
        throw err;
      }
      if (!known.has(name))
        throw new ControlError(
          'not_found',
          `No mapping named ${name}: mappings are named HOST or HOST/PREFIX, as onecli-launcher mappings list shows them; add one with onecli-launcher mappings add HOST REF.`,
        );
      if (!names.includes(name)) names.push(name);
    }
    return names;
  }

  /**
   * Changes an agent's scope, policy or "always" list. A mapping taken out of scope loses its
   * "always"; so does a reference (the OneCLI door's "always", issue 15) no mapping in scope holds.
   */
  update(name: string, change: { allow?: AgentAllow | undefined; policy?: AgentPolicy | undefined; approved?: readonly string[] | undefined }): AgentRecord {
    const current = this.get(name);
    const allow = change.allow === undefined ? current.allow : change.allow === 'all' ? 'all' : this.mappingNames(change.allow);
    const settings = this.settings.get();
    const approved = (change.approved === undefined ? current.approved : this.approvedNames(change.approved)).filter((m) =>
      isReferenceSubject(m) ? referenceInScope(settings, allow, m).inScope : allow === 'all' || allow.includes(m),
    );
    const next: AgentRecord = { ...current, allow, policy: change.policy ?? current.policy, approved };
    this.settings.update((s) => ({ ...s, agents: s.agents.map((a) => (a.name === name ? next : a)) }));
    return next;
  }

  /** Sets egress or rate limits (issue 14); a limit on a mapping names one that exists. */
  setPolicy(name: string, change: { egress?: EgressPolicy | undefined; limits?: readonly RateLimit[] | undefined }): AgentRecord {
    const current = this.get(name);
    const limits = change.limits?.map((l) => (l.mapping ? { ...l, mapping: this.mappingNames([l.mapping])[0]! } : l));
    const next: AgentRecord = { ...current, egress: change.egress ?? current.egress, limits: limits ?? current.limits };
    this.settings.update((s) => ({ ...s, agents: s.agents.map((a) => (a.name === name ? next : a)) }));
    return next;
  }

  /** An "always" list as given: mapping names checked as `mappingNames` does, `op://` references kept when they parse. */
  private approvedNames(raw: readonly string[]): string[] {
    const references = raw.filter(isReferenceSubject);
    for (const r of references)
      if ('error' in parseSecretReference(r)) throw new ControlError('invalid_params', 'An "always" entry that starts with op:// is not a valid reference.');
    return [...this.mappingNames(raw.filter((m) => !isReferenceSubject(m))), ...new Set(references)];
  }

  /** Adds mappings to the scope; `all` stays `all`. */
  allow(name: string, mappings: readonly string[]): AgentRecord {
    const current = this.get(name);
    const added = this.mappingNames(mappings);
    if (current.allow === 'all') return current;
    return this.update(name, { allow: [...current.allow, ...added.filter((m) => !(current.allow as string[]).includes(m))] });
  }

  /** Takes mappings out of the scope; from `all`, the scope becomes every other mapping there is now. */
  disallow(name: string, mappings: readonly string[]): AgentRecord {
    const current = this.get(name);
    const removed = new Set(this.mappingNames(mappings));
    const from = current.allow === 'all' ? this.settings.get().mappings.map(mappingNameOf) : current.allow;
    return this.update(name, { allow: from.filter((m) => !removed.has(m)) });
  }

  /** The user answered "always" on a card. */
  keepAlways(name: string, mapping: string): void {
    const current = this.list().find((a) => a.name === name);
    if (!current || current.approved.includes(mapping)) return;
    this.settings.update((s) => ({ ...s, agents: s.agents.map((a) => (a.name === name ? { ...a, approved: [...a.approved, mapping] } : a)) }));
  }

  /**
   * A mapping was removed: no scope, "always" or limit keeps naming it (a new mapping of that
   * name is asked about afresh and starts without a limit).
   */
  forgetMapping(mapping: string): void {
    const names = (list: AgentAllow) => (list === 'all' ? list : list.filter((m) => m !== mapping));
    const naming = (a: AgentRecord) =>
      (a.allow !== 'all' && a.allow.includes(mapping)) || a.approved.includes(mapping) || a.limits.some((l) => l.mapping === mapping);
    if (!this.list().some(naming)) return;
    this.settings.update((s) => ({
      ...s,
      agents: s.agents.map((a) => ({
        ...a,
        allow: names(a.allow),
        approved: a.approved.filter((m) => m !== mapping),
        limits: a.limits.filter((l) => l.mapping !== mapping),
      })),
    }));
  }

  async revoke(name: string): Promise<boolean> {
    const known = this.list().some((a) => a.name === name);
    if (known) this.settings.update((s) => ({ ...s, agents: s.agents.filter((a) => a.name !== name) }));
    const deleted = LOCAL_SECRET_NAME.test(name) ? await this.secrets.delete(agentTokenName(name)) : false;
    return known || deleted;
  }

  async token(name: string): Promise<string | undefined> {
    if (!this.list().some((a) => a.name === name)) return undefined;
    return this.secrets.get(agentTokenName(name));
  }

  /** What the gateway accepts: every live agent whose token is still in the keychain, with its scope and policy. */
  async credentials(): Promise<AgentCredential[]> {
    const all = await Promise.all(
      this.list().map(async (a) => {
        const token = await this.secrets.get(agentTokenName(a.name));
        return token === undefined
          ? undefined
          : { name: a.name, token, allow: a.allow, ask: a.policy === 'ask', approved: a.approved, egress: a.egress, limits: a.limits };
      }),
    );
    return all.filter((a) => a !== undefined);
  }

  /**
   * The agent `env` and probes use when none is named: the first one, passing over the OneCLI
   * door's `onecli` (issue 15), whose scope is OneCLI's and whose token no agent should be handed.
   */
  firstAgent(): AgentRecord | undefined {
    return this.list().find((a) => a.name !== ONECLI_AGENT);
  }

  /** First start: one agent, so `env` works at once. */
  async ensureDefault(): Promise<void> {
    if (!this.firstAgent()) await this.create(DEFAULT_AGENT);
  }

  /**
   * Agents whose token is gone from the store (a memory-only run restarted, or the keychain
   * item was deleted) get a new one; their users run `env` again. Returns the names reissued.
   */
  async reissueMissingTokens(): Promise<string[]> {
    const reissued: string[] = [];
    for (const agent of this.list()) {
      if (await this.secrets.get(agentTokenName(agent.name))) continue;
      await this.secrets.set(agentTokenName(agent.name), newAgentToken());
      reissued.push(agent.name);
    }
    return reissued;
  }
}
