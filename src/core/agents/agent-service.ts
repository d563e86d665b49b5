import type { ControlResult } from '../../shared/control-api.js';
import type { AgentCredential } from '../../shared/gateway-config.js';
import type { ActivityLog } from '../activity-log.js';
import type { CaService } from '../ca/ca-service.js';
import { ControlError } from '../control-error.js';
import type { GatewayHandle } from '../core-deps.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { agentEnv } from './agent-env.js';
import { DEFAULT_AGENT, type AgentRegistry } from './agent-registry.js';

export interface AgentServiceDeps {
  readonly registry: AgentRegistry;
  readonly settings: SettingsRepository;
  readonly activity: ActivityLog;
  readonly gateway: GatewayHandle;
  readonly ca: Pick<CaService, 'ensure'>;
}

/** Agents: their tokens (created, revoked, reissued), when each was last used, and the environment that points one at the gateway. */
export class AgentService {
  constructor(private readonly deps: AgentServiceDeps) {}

  list(): ControlResult<'agents.list'> {
    const lastUsed = this.deps.activity.lastUsedByAgent();
    return this.deps.registry.list().map((a) => ({ ...a, ...(lastUsed.has(a.name) ? { lastUsed: lastUsed.get(a.name) } : {}) }));
  }

  async create(name: string): Promise<{ name: string; token: string }> {
    const created = await this.deps.registry.create(name);
    await this.deps.gateway.sync();
    return created;
  }

  async revoke(name: string): Promise<{ revoked: boolean }> {
    const revoked = await this.deps.registry.revoke(name);
    await this.deps.gateway.sync();
    return { revoked };
  }

  /** Shell variables for an agent (the first one when none is named, made on first use). */
  async env(name: string | undefined): Promise<ControlResult<'env.get'>> {
    const { registry } = this.deps;
    if (!name) await registry.ensureDefault();
    const agent = name ?? registry.list()[0]?.name ?? DEFAULT_AGENT;
    const token = await registry.token(agent);
    if (!token) throw new ControlError('not_found', `No agent named "${agent}": create one with onecli-launcher agents create ${agent}`);
    const ca = await this.deps.ca.ensure();
    return {
      agent,
      vars: agentEnv({ port: this.deps.gateway.agentPort, token, caFile: ca.certFile, bundleFile: ca.bundleFile, mappings: this.deps.settings.get().mappings }),
    };
  }

  /** The token a probe request presents: the first agent's (one is made if none exists). */
  async probeCredentials(): Promise<string> {
    await this.deps.registry.ensureDefault();
    const agent = this.deps.registry.list()[0]!.name;
    return (await this.deps.registry.token(agent)) ?? '';
  }

  /** What the gateway accepts: every live agent whose token is still in the keychain. */
  credentials(): Promise<AgentCredential[]> {
    return this.deps.registry.credentials();
  }
}
