import type { AgentView, ControlParams, ControlResult } from '../../shared/control-api.js';
import type { AgentCredential } from '../../shared/gateway-config.js';
import type { AgentRecord } from '../../shared/settings.js';
import type { ActivityLog } from '../activity-log.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { CaService } from '../ca/ca-service.js';
import { ControlError } from '../control-error.js';
import type { GatewayHandle } from '../core-deps.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { agentEnv } from './agent-env.js';
import { editEgress, editLimits } from '../policy/policy-edits.js';
import { DEFAULT_AGENT, type AgentRegistry } from './agent-registry.js';

export interface AgentServiceDeps {
  readonly registry: AgentRegistry;
  readonly settings: SettingsRepository;
  readonly activity: ActivityLog;
  readonly gateway: GatewayHandle;
  readonly ca: Pick<CaService, 'ensure'>;
  readonly approvals: Pick<ApprovalService, 'cancelWhere' | 'forgetDenials'>;
}

/**
 * Agents: their tokens (created, revoked, reissued; identity), what each may use (scope:
 * authority) and whether it asks first (policy: consent), when each was last used, and the
 * environment that points one at the gateway.
 */
export class AgentService {
  constructor(private readonly deps: AgentServiceDeps) {}

  list(): ControlResult<'agents.list'> {
    const lastUsed = this.deps.activity.lastUsedByAgent();
    return this.deps.registry.list().map((a) => this.#view(a, lastUsed));
  }

  async create(p: ControlParams<'agents.create'>): Promise<{ name: string; token: string }> {
    const created = await this.deps.registry.create(p.name, { allow: p.allow, policy: p.policy, egress: p.egress });
    await this.deps.gateway.sync();
    return created;
  }

  async revoke(name: string): Promise<{ revoked: boolean }> {
    const revoked = await this.deps.registry.revoke(name);
    this.deps.approvals.cancelWhere((a) => a.agent === name);
    await this.deps.gateway.sync();
    return { revoked };
  }

  /** Adds mappings to its scope (`all` stays `all`). */
  allow(name: string, mappings: readonly string[]): Promise<AgentView> {
    return this.#changed(this.deps.registry.allow(name, mappings));
  }

  /** Takes mappings out of its scope (from `all`: every other mapping there is now). */
  disallow(name: string, mappings: readonly string[]): Promise<AgentView> {
    return this.#changed(this.deps.registry.disallow(name, mappings));
  }

  /** Scope, policy and the "always" list at once (the agents screen). */
  update(p: ControlParams<'agents.update'>): Promise<AgentView> {
    return this.#changed(this.deps.registry.update(p.name, { allow: p.allow, policy: p.policy, approved: p.approved }));
  }

  /** Egress mode and list (issue 14): the gateway applies it to the agent's next connection and request. */
  egress(p: ControlParams<'agents.egress'>): Promise<AgentView> {
    const current = this.deps.registry.get(p.name);
    return this.#changed(this.deps.registry.setPolicy(p.name, { egress: editEgress(current.egress, p, p.name) }));
  }

  /** Sets or takes off a rate limit, for all of the agent's traffic or one mapping. */
  limit(p: ControlParams<'agents.limit'>): Promise<AgentView> {
    const current = this.deps.registry.get(p.name);
    const mapping = p.mapping === undefined ? undefined : this.deps.registry.mappingNames([p.mapping])[0];
    const change = p.off ? { mapping, off: true as const, per: p.per } : { mapping, max: p.max ?? 0, per: p.per ?? 'minute' };
    return this.#changed(this.deps.registry.setPolicy(p.name, { limits: editLimits(current.limits, change, p.name) }));
  }

  /** A mapping was removed: out of every scope and "always", and its waiting approvals end. */
  mappingRemoved(mapping: string): void {
    this.deps.registry.forgetMapping(mapping);
    this.deps.approvals.cancelWhere((a) => a.mapping === mapping);
  }

  /** An agent's access changed: a remembered Deny no longer stands, and the gateway hears at once. */
  async #changed(agent: AgentRecord): Promise<AgentView> {
    this.deps.approvals.forgetDenials(agent.name);
    await this.deps.gateway.sync();
    return this.#view(agent, this.deps.activity.lastUsedByAgent());
  }

  #view(a: AgentRecord, lastUsed: ReadonlyMap<string, number>): AgentView {
    const used = lastUsed.get(a.name);
    return { ...a, ...(used !== undefined ? { lastUsed: used } : {}) };
  }

  /** Shell variables for an agent (the first one when none is named, made on first use; never OneCLI's own). */
  async env(name: string | undefined): Promise<ControlResult<'env.get'>> {
    const { registry } = this.deps;
    if (!name) await registry.ensureDefault();
    const agent = name ?? registry.firstAgent()?.name ?? DEFAULT_AGENT;
    const token = await registry.token(agent);
    if (!token) throw new ControlError('not_found', `No agent named "${agent}": create it first.`, { remedy: 'create-agent' });
    const ca = await this.deps.ca.ensure();
    return {
      agent,
      vars: agentEnv({ port: this.deps.gateway.agentPort, token, caFile: ca.certFile, bundleFile: ca.bundleFile, mappings: this.deps.settings.get().mappings }),
    };
  }

  /** The token a probe request presents: the first agent's (one is made if none exists). */
  async probeCredentials(): Promise<string> {
    await this.deps.registry.ensureDefault();
    const agent = this.deps.registry.firstAgent()!.name;
    return (await this.deps.registry.token(agent)) ?? '';
  }

  /** What the gateway accepts: every live agent whose token is still in the keychain. */
  credentials(): Promise<AgentCredential[]> {
    return this.deps.registry.credentials();
  }
}
