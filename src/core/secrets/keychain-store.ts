import { APP_ID } from '../../shared/product.js';
import { withDeadline } from './keychain-deadline.js';
import { classifyKeychainError, keychainFix } from './keychain-problems.js';
import type { KeyringPort } from './keyring-port.js';
import { assertSecretName, type SecretName } from './secret-names.js';
import { SecretStoreError } from './secret-store-error.js';
import type { SecretStore } from './secret-store.js';

/**
 * Longer than the probe's limit: after a start, a call may sit behind a macOS "allow access"
 * prompt that a person is reading.
 */
export const KEYCHAIN_CALL_TIMEOUT_MS = 60_000;

export interface KeychainStoreOptions {
  readonly keyring: KeyringPort;
  readonly platform: NodeJS.Platform;
  /** Keychain service; `APP_ID` unless a test needs its own. */
  readonly service?: string;
  readonly timeoutMs?: number;
}

/** Secrets in the OS keychain: one entry per name, under the service `sh.onecli.launcher`. */
export class KeychainStore implements SecretStore {
  readonly kind = 'keychain';
  readonly service: string;
  readonly #options: KeychainStoreOptions;

  constructor(options: KeychainStoreOptions) {
    this.#options = options;
    this.service = options.service ?? APP_ID;
  }

  get(name: SecretName): Promise<string | undefined> {
    return this.#call(name, (account, signal) => this.#options.keyring.getPassword(this.service, account, signal));
  }

  async set(name: SecretName, value: string): Promise<void> {
    await this.#call(name, (account, signal) => this.#options.keyring.setPassword(this.service, account, value, signal));
  }

  delete(name: SecretName): Promise<boolean> {
    return this.#call(name, (account, signal) => this.#options.keyring.deletePassword(this.service, account, signal));
  }

  async #call<T>(name: SecretName, run: (account: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const account = assertSecretName(name);
    try {
      return await withDeadline(this.#options.timeoutMs ?? KEYCHAIN_CALL_TIMEOUT_MS, (signal) => run(account, signal));
    } catch (err) {
      // The native message stays in `cause`: it describes the platform, but we promise a
      // fixed, value-free message to every surface.
      const problem = classifyKeychainError(err);
      throw new SecretStoreError(problem === 'timeout' ? 'keychain_timeout' : 'keychain_failed', keychainFix(problem, this.#options.platform), { cause: err });
    }
  }
}
