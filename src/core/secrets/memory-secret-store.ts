import { assertSecretName, type SecretName } from './secret-names.js';
import type { SecretStore } from './secret-store.js';

/** A store in a Map, for unit tests of modules that keep secrets. Validates names like the real ones. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  readonly #entries = new Map<SecretName, string>();

  constructor(initial: Readonly<Partial<Record<SecretName, string>>> = {}) {
    for (const [name, value] of Object.entries(initial)) {
      if (value !== undefined) this.#entries.set(assertSecretName(name), value);
    }
  }

  async get(name: SecretName): Promise<string | undefined> {
    return this.#entries.get(assertSecretName(name));
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.#entries.set(assertSecretName(name), value);
  }

  async delete(name: SecretName): Promise<boolean> {
    return this.#entries.delete(assertSecretName(name));
  }

  /** The names present, for assertions. */
  names(): SecretName[] {
    return [...this.#entries.keys()];
  }
}
