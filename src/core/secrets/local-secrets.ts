import type { ControlResult } from '../../shared/control-api.js';
import { credentialValueProblem } from '../../shared/credential-value.js';
import { extraReferences } from '../../shared/header-rule.js';
import { LOCAL_SECRET_NAME } from '../../shared/secret-reference.js';
import { mappingNameOf } from '../../shared/settings.js';
import { ControlError } from '../control-error.js';
import type { GatewayHandle } from '../core-deps.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { localSecretName } from './secret-names.js';
import type { SecretStore } from './secret-store.js';

export interface LocalSecretsDeps {
  readonly secrets: SecretStore;
  readonly settings: SettingsRepository;
  readonly gateway: Pick<GatewayHandle, 'sync'>;
}

/** `local://name` secrets: kept in the secret store, for use without a 1Password account. */
export class LocalSecrets {
  constructor(private readonly deps: LocalSecretsDeps) {}

  async set(name: string, value: string): Promise<ControlResult<'secrets.set'>> {
    if (!LOCAL_SECRET_NAME.test(name))
      throw new ControlError('invalid_params', 'Secret names are lower-case letters, digits, ".", "_" and "-", such as my-key.');
    const problem = credentialValueProblem(value);
    if (problem)
      throw new ControlError('invalid_params', `Not saved: ${problem}, and a credential is sent in an HTTP header as it is. Paste the key alone, on one line.`);
    await this.deps.secrets.set(localSecretName(name), value);
    const reference = `local://${name}`;
    const users = this.deps.settings
      .get()
      .mappings.filter((m) => m.reference === reference || extraReferences(m.rule).includes(reference))
      .map(mappingNameOf);
    if (users.length) await this.deps.gateway.sync(users);
    return { reference, kept: this.deps.secrets.kind };
  }

  async remove(name: string): Promise<{ removed: boolean }> {
    return { removed: LOCAL_SECRET_NAME.test(name) && (await this.deps.secrets.delete(localSecretName(name))) };
  }
}
