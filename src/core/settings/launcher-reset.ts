import { LOCAL_SECRET_NAME } from '../../shared/secret-reference.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { GatewayHandle } from '../core-deps.js';
import { localSecretName, SERVICE_ACCOUNT_TOKEN } from '../secrets/secret-names.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SettingsRepository } from './settings-repository.js';

export interface LauncherResetDeps {
  readonly settings: SettingsRepository;
  readonly secrets: SecretStore;
  readonly agents: AgentRegistry;
  readonly gateway: Pick<GatewayHandle, 'sync'>;
  readonly approvals: Pick<ApprovalService, 'cancelWhere'>;
  /** The OneCLI door: turned off, its secret forgotten. */
  readonly onecli: { reset(): Promise<void> };
}

/** Settings → Reset: forget mappings, agents, the 1Password connection and OneCLI's, keychain entries included; keep ports and preferences. */
export class LauncherReset {
  constructor(private readonly deps: LauncherResetDeps) {}

  async run(): Promise<void> {
    const { settings, secrets, agents, gateway } = this.deps;
    const current = settings.get();
    const locals = current.mappings
      .map((m) => /^local:\/\/(.+)$/.exec(m.reference)?.[1])
      .filter((n): n is string => n !== undefined && LOCAL_SECRET_NAME.test(n));
    await this.deps.onecli.reset();
    this.deps.approvals.cancelWhere(() => true);
    for (const agent of current.agents) await agents.revoke(agent.name);
    for (const name of locals) await secrets.delete(localSecretName(name));
    await secrets.delete(SERVICE_ACCOUNT_TOKEN);
    settings.update((s) => ({ ...s, source: { kind: 'none' }, mappings: [], agents: [], preferences: { ...s.preferences, onboarded: false } }));
    await agents.ensureDefault();
    await gateway.sync();
  }
}
