import { randomBytes } from 'node:crypto';
import type { AgentCredential } from '../../shared/gateway-config.js';
import { LOCAL_SECRET_NAME } from '../../shared/secret-reference.js';
import type { AgentRecord } from '../../shared/settings.js';
import { ControlError } from '../control-error.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { agentTokenName } from '../secrets/secret-names.js';
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

  async create(name: string): Promise<{ name: string; token: string }> {
    if (!LOCAL_SECRET_NAME.test(name) || name.length > 40)
      throw new ControlError('invalid_params', 'Agent names are lower-case letters, digits, ".", "_" and "-", such as "claude".');
    if (this.list().some((a) => a.name === name)) throw new ControlError('conflict', `An agent named "${name}" exists; revoke it first or pick another name.`);
    const token = newAgentToken();
    await this.secrets.set(agentTokenName(name), token);
    this.settings.update((s) => ({ ...s, agents: [...s.agents, { name, createdAt: this.now().toISOString() }] }));
    return { name, token };
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

  /** What the gateway accepts: every live agent whose token is still in the keychain. */
  async credentials(): Promise<AgentCredential[]> {
    const all = await Promise.all(this.list().map(async (a) => ({ name: a.name, token: await this.secrets.get(agentTokenName(a.name)) })));
    return all.filter((a): a is AgentCredential => typeof a.token === 'string');
  }

  /** First start: one agent, so `env` works at once. */
  async ensureDefault(): Promise<void> {
    if (this.list().length === 0) await this.create(DEFAULT_AGENT);
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
