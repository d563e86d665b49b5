import type { KeychainUnavailable } from './keychain-availability.js';
import { assertSecretName, type SecretName } from './secret-names.js';
import { SecretStoreError } from './secret-store-error.js';
import type { SecretStore } from './secret-store.js';

/**
 * What the launcher gets when no keychain is reachable and the user did not opt into the
 * file store: nothing was ever stored, so reads find nothing, and writes fail with the
 * keychain's fix text. Features that need a secret stop with that sentence instead of
 * writing it somewhere the user did not agree to.
 */
export class RefusingSecretStore implements SecretStore {
  readonly kind = 'none';

  constructor(readonly keychain: KeychainUnavailable) {}

  async get(name: SecretName): Promise<undefined> {
    assertSecretName(name);
    return undefined;
  }

  async set(name: SecretName, _value: string): Promise<void> {
    assertSecretName(name);
    throw new SecretStoreError('no_secret_store', `Not stored: no keychain is available. ${this.keychain.fix}`);
  }

  async delete(name: SecretName): Promise<boolean> {
    assertSecretName(name);
    return false;
  }
}
