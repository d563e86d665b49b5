import { createHash } from 'node:crypto';
import type { Client } from '@1password/sdk';
import { classifySdkFailure } from './sdk-failure.js';
import type { FieldSummary, ItemSummary, VaultSource, VaultSummary } from './vault-source.js';
import { APP_VERSION } from '../app-version.js';

export type CreateSdkClient = (token: string) => Promise<Client>;

/** What 1Password sees as the integration (its audit log and rate-limit accounting). */
export const INTEGRATION = { name: 'OneCLI Launcher', version: APP_VERSION } as const;

export const createRealSdkClient: CreateSdkClient = async (token) => {
  const sdk = await import('@1password/sdk');
  return sdk.createClient({ auth: token, integrationName: INTEGRATION.name, integrationVersion: INTEGRATION.version });
};

/** Reference segments may hold letters, digits, space, `-`, `_`, `.`; anything else is addressed by ID. */
const SAFE_SEGMENT = /^[A-Za-z0-9 _.-]+$/;
const segment = (name: string, id: string) => (SAFE_SEGMENT.test(name) ? name : id);

const IDLE_EVICT_MS = 30 * 60_000;

/**
 * 1Password through `@1password/sdk` with a service-account token. One SDK client per token
 * (keyed by its hash, never the token), dropped after 30 minutes idle.
 */
export class ServiceAccountSource implements VaultSource {
  readonly kind = 'service-account' as const;
  static readonly #clients = new Map<string, { client: Promise<Client>; lastUsed: number }>();

  constructor(
    private readonly token: string,
    private readonly createClient: CreateSdkClient = createRealSdkClient,
    private readonly now: () => number = Date.now,
  ) {}

  async #client(): Promise<Client> {
    const key = createHash('sha256').update(this.token).digest('hex');
    const now = this.now();
    for (const [k, entry] of ServiceAccountSource.#clients) if (now - entry.lastUsed > IDLE_EVICT_MS) ServiceAccountSource.#clients.delete(k);
    let entry = ServiceAccountSource.#clients.get(key);
    if (!entry) {
      entry = { client: this.createClient(this.token), lastUsed: now };
      ServiceAccountSource.#clients.set(key, entry);
      // A client that failed to build (bad token) must not be cached.
      entry.client.catch(() => ServiceAccountSource.#clients.delete(key));
    }
    entry.lastUsed = now;
    return entry.client;
  }

  async #call<T>(work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await work(await this.#client());
    } catch (err) {
      throw classifySdkFailure(err);
    }
  }

  resolve(reference: string): Promise<string> {
    return this.#call((c) => c.secrets.resolve(reference));
  }

  listVaults(): Promise<VaultSummary[]> {
    return this.#call(async (c) => (await c.vaults.list()).map((v) => ({ id: v.id, name: v.title })));
  }

  listItems(vaultId: string): Promise<ItemSummary[]> {
    return this.#call(async (c) =>
      (await c.items.list(vaultId)).map((i) => ({ id: i.id, title: i.title, category: String(i.category), urls: i.websites.map((w) => w.url) })),
    );
  }

  listFields(vaultId: string, itemId: string): Promise<FieldSummary[]> {
    return this.#call(async (c) => {
      const [vault, item] = await Promise.all([c.vaults.getOverview(vaultId), c.items.get(vaultId, itemId)]);
      const base = `op://${segment(vault.title, vault.id)}/${segment(item.title, item.id)}`;
      return item.fields.map((f) => {
        const section = item.sections.find((s) => s.id === f.sectionId);
        const sectionPart = section ? `${segment(section.title, section.id)}/` : '';
        return {
          id: f.id,
          label: f.title,
          type: String(f.fieldType),
          section: section?.title,
          sectionId: section?.id,
          reference: `${base}/${sectionPart}${segment(f.title, f.id)}`,
        };
      });
    });
  }
}
