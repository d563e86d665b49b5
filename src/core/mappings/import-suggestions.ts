import { mappingKey } from './mapping-rules.js';
import type { FieldSummary, ItemSummary, VaultSource, VaultSummary } from '../vault/vault-source.js';

export interface MappingSuggestion {
  readonly host: string;
  readonly reference: string;
  readonly item: string;
  readonly vault: string;
}

/** Items whose URLs name an API host: logins and API credentials (reference/op-cli.md §1.3). */
const IMPORTABLE = new Set(['LOGIN', 'API_CREDENTIAL', 'ApiCredentials', 'Login']);
/** Field labels that hold the key, best first. */
const KEY_LABELS = ['credential', 'api key', 'api_key', 'apikey', 'token', 'key', 'secret', 'password'];
/** Reading items is rate-limited for service accounts: look at a bounded number. */
export const MAX_ITEMS_INSPECTED = 50;

export function bestKeyField(fields: readonly FieldSummary[]): FieldSummary | undefined {
  const concealed = fields.filter((f) => /concealed/i.test(f.type));
  for (const label of KEY_LABELS) {
    const hit = concealed.find((f) => f.label.toLowerCase() === label);
    if (hit) return hit;
  }
  return concealed[0];
}

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
    return parsed.protocol === 'https:' ? mappingKey(parsed.host).key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Mappings the user could add from 1Password items that carry URLs. Never suggests a host that
 * is already mapped, and never the same host twice.
 */
export async function importSuggestions(source: VaultSource, mappedHosts: ReadonlySet<string>): Promise<MappingSuggestion[]> {
  const suggestions: MappingSuggestion[] = [];
  const taken = new Set(mappedHosts);
  let inspected = 0;
  const vaults: VaultSummary[] = await source.listVaults();
  for (const vault of vaults) {
    const items: ItemSummary[] = await source.listItems(vault.id);
    for (const item of items) {
      if (!IMPORTABLE.has(item.category) || item.urls.length === 0) continue;
      const hosts = [...new Set(item.urls.map(hostOf).filter((h): h is string => h !== undefined && !taken.has(h)))];
      if (hosts.length === 0) continue;
      if (++inspected > MAX_ITEMS_INSPECTED) return suggestions;
      const field = bestKeyField(await source.listFields(vault.id, item.id));
      if (!field) continue;
      for (const host of hosts) {
        taken.add(host);
        suggestions.push({ host, reference: field.reference, item: item.title, vault: vault.name });
      }
    }
  }
  return suggestions;
}
