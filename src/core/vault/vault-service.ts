import type { ControlResult } from '../../shared/control-api.js';
import type { GatewayHandle, VaultSources } from '../core-deps.js';
import { importSuggestions } from '../mappings/import-suggestions.js';
import { SERVICE_ACCOUNT_TOKEN } from '../secrets/secret-names.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { VaultError } from './vault-error.js';
import type { VaultSource } from './vault-source.js';
import { mappingNameOf } from '../../shared/settings.js';

export interface VaultServiceDeps {
  readonly settings: SettingsRepository;
  readonly secrets: SecretStore;
  readonly sources: VaultSources;
  readonly gateway: Pick<GatewayHandle, 'sync'>;
  readonly now: () => Date;
}

/** The connected 1Password source: pairing, disconnecting, and what the picker and import show from it. */
export class VaultService {
  constructor(private readonly deps: VaultServiceDeps) {}

  /** The current 1Password source, or a VaultError whose remedy is to connect one. */
  async source(): Promise<VaultSource> {
    const source = this.deps.settings.get().source;
    if (source.kind === 'desktop') return this.deps.sources.desktop(source.account);
    if (source.kind === 'service-account') {
      const token = await this.deps.secrets.get(SERVICE_ACCOUNT_TOKEN);
      if (token) return this.deps.sources.serviceAccount(token);
      throw new VaultError('auth_required', 'The service-account token is missing from the keychain: pair again.', { remedy: 'connect-1password' });
    }
    throw new VaultError('auth_required', 'No 1Password source is connected.', { remedy: 'connect-1password' });
  }

  async pairServiceAccount(rawToken: string): Promise<ControlResult<'pair.serviceAccount'>> {
    const token = rawToken.trim();
    // Validate before keeping anything: a token that cannot list vaults is not worth storing.
    const vaults = await this.deps.sources.serviceAccount(token).listVaults();
    await this.deps.secrets.set(SERVICE_ACCOUNT_TOKEN, token);
    this.deps.settings.update((s) => ({ ...s, source: { kind: 'service-account', pairedAt: this.deps.now().toISOString() } }));
    await this.#resyncAll();
    return { vaults: vaults.length };
  }

  async pairDesktop(account: string | undefined): Promise<ControlResult<'pair.desktop'>> {
    const vaults = await this.deps.sources.desktop(account).listVaults();
    this.deps.settings.update((s) => ({ ...s, source: { kind: 'desktop', ...(account ? { account } : {}), pairedAt: this.deps.now().toISOString() } }));
    await this.#resyncAll();
    return { vaults: vaults.length, op: 'op' };
  }

  async disconnect(): Promise<void> {
    await this.deps.secrets.delete(SERVICE_ACCOUNT_TOKEN);
    this.deps.settings.update((s) => ({ ...s, source: { kind: 'none' } }));
    await this.#resyncAll();
  }

  async vaults(): Promise<ControlResult<'picker.vaults'>> {
    return (await this.source()).listVaults();
  }

  async items(vaultId: string): Promise<ControlResult<'picker.items'>> {
    return (await (await this.source()).listItems(vaultId)).map((i) => ({ ...i, urls: [...i.urls] }));
  }

  async fields(vaultId: string, itemId: string): Promise<ControlResult<'picker.fields'>> {
    return (await (await this.source()).listFields(vaultId, itemId)).map(({ section, sectionId: _id, ...f }) => ({ ...f, ...(section ? { section } : {}) }));
  }

  /** Logins and API credentials in 1Password whose URL names a host not mapped yet. */
  async importSuggestions(): Promise<ControlResult<'import.suggestions'>> {
    return importSuggestions(await this.source(), new Set(this.deps.settings.get().mappings.map(mappingNameOf)));
  }

  /** Another source answers for every mapping now: the gateway forgets what it cached. */
  #resyncAll(): Promise<void> {
    return this.deps.gateway.sync(this.deps.settings.get().mappings.map(mappingNameOf));
  }
}
