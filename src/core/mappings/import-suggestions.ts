import type { ImportSuggestion } from '../../shared/control-api.js';
import { defaultHeaderRule } from '../../shared/header-rule.js';
import { mappingName } from '../../shared/mapping-path.js';
import { presetForHost, providerForHost } from '../../shared/providers.js';
import { mappingKey } from './mapping-rules.js';
import type { FieldSummary, ItemSummary, VaultSource, VaultSummary } from '../vault/vault-source.js';

export type MappingSuggestion = ImportSuggestion;

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

/** The host key an https URL names (`api.example.com`, `h.example:8443`), and its path. */
function targetOf(url: string): { host: string; key: string; path: string } | undefined {
  try {
    const parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
    if (parsed.protocol !== 'https:') return undefined;
    const { key, host } = mappingKey(parsed.host);
    return { host, key, path: parsed.pathname };
  } catch {
    return undefined;
  }
}

/**
 * What mapping an item's URL suggests: a catalog host brings its service's preset (shape, route,
 * and the path the catalog lists it on: `gitlab.com/api/v4` is the GitLab API); any other host
 * OneCLI's default.
 */
function suggestionFor(url: string): Omit<MappingSuggestion, 'reference' | 'item' | 'vault'> | undefined {
  const target = targetOf(url);
  if (!target) return undefined;
  const onPort = target.key !== target.host;
  const preset = onPort ? undefined : presetForHost(target.host, target.path);
  const path = preset?.path;
  const route = onPort ? undefined : providerForHost(target.host)?.route;
  return {
    host: target.key,
    ...(path ? { path } : {}),
    ...(preset ? { preset: preset.entry.id, service: preset.entry.name } : {}),
    rule: preset?.credential ?? defaultHeaderRule(target.host),
    ...(route ? { route } : {}),
  };
}

/**
 * Mappings the user could add from 1Password items that carry URLs. Never suggests a mapping
 * that exists (by name: `HOST` or `HOST/PREFIX`), and never the same one twice.
 */
export async function importSuggestions(source: VaultSource, mappedNames: ReadonlySet<string>): Promise<MappingSuggestion[]> {
  const suggestions: MappingSuggestion[] = [];
  const taken = new Set(mappedNames);
  let inspected = 0;
  const vaults: VaultSummary[] = await source.listVaults();
  for (const vault of vaults) {
    const items: ItemSummary[] = await source.listItems(vault.id);
    for (const item of items) {
      if (!IMPORTABLE.has(item.category) || item.urls.length === 0) continue;
      const found = new Map<string, NonNullable<ReturnType<typeof suggestionFor>>>();
      for (const url of item.urls) {
        const s = suggestionFor(url);
        const name = s && mappingName(s.host, s.path);
        if (s && name && !taken.has(name) && !found.has(name)) found.set(name, s);
      }
      if (found.size === 0) continue;
      if (++inspected > MAX_ITEMS_INSPECTED) return suggestions;
      const field = bestKeyField(await source.listFields(vault.id, item.id));
      if (!field) continue;
      for (const [name, s] of found) {
        taken.add(name);
        suggestions.push({ ...s, reference: field.reference, item: item.title, vault: vault.name });
      }
    }
  }
  return suggestions;
}
