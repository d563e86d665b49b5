import { defaultHeaderRule, type HeaderRule } from '../../../../src/shared/header-rule.js';
import { mappingName } from '../../../../src/shared/mapping-path.js';
import { PROVIDER_CATALOG, presetCredential, presetForHost, type ProviderEntry } from '../../../../src/shared/providers.js';

/**
 * The mapping form's first steps as data: which service (an entry of the provider catalog, or
 * another host), which of its hosts, and the shape each gets. Pure, so the form stays small.
 */

/** The service choice that is no catalog entry: a host the user types. */
export const OTHER_SERVICE = 'other';

/** Which hosts of the service are mapped. */
export interface HostSelection {
  /** The catalog listings chosen, by mapping name. */
  readonly checked: readonly string[];
  /** A host the user names too (GitHub Enterprise, a self-hosted GitLab). */
  readonly another: boolean;
  readonly custom: string;
}

/** One mapping the form will add: a host (and path) and its shape. */
export interface Target {
  readonly host: string;
  readonly path?: string;
  readonly rule: HeaderRule;
}

/** One host (and path) a catalog entry lists, with the shape it takes there. */
export interface Listing {
  /** Its mapping name: `github.com`, `gitlab.com/api`. */
  readonly name: string;
  readonly host: string;
  readonly path?: string;
  readonly rule: HeaderRule;
}

export function listingsOf(entry: ProviderEntry): Listing[] {
  return entry.hosts.map((h) => ({
    name: mappingName(h.host, h.path),
    host: h.host,
    ...(h.path ? { path: h.path } : {}),
    rule: h.credential ?? entry.credential,
  }));
}

/** Catalog entries whose name, preset id or a host holds what was typed. */
export function filterCatalog(query: string): readonly ProviderEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return PROVIDER_CATALOG;
  return PROVIDER_CATALOG.filter((e) => [e.name, e.id, ...e.hosts.map((h) => h.host)].some((t) => t.toLowerCase().includes(q)));
}

/** The host name in what was typed (`https://API.example.com:8443/x` → `api.example.com`), for looking up its shape; the core has the last word. */
export function hostNameOf(typed: string): string {
  const bare = typed.trim().replace(/^https?:\/\//i, '');
  const wildcard = bare.startsWith('*.');
  try {
    const host = new URL(`https://${wildcard ? bare.slice(2) : bare}`).hostname;
    return wildcard ? `*.${host}` : host;
  } catch {
    return bare.toLowerCase();
  }
}

/** The shape a typed host gets: the chosen service's preset; with no service, the catalog's for a known host, else OneCLI's default. */
export function ruleForHost(entry: ProviderEntry | undefined, typed: string, path?: string): HeaderRule {
  const host = hostNameOf(typed);
  return entry ? presetCredential(entry, host) : (presetForHost(host, path)?.credential ?? defaultHeaderRule(host));
}

/** The catalog entry and listing an item's website names (`https://gitlab.com/api/v4` → GitLab API on gitlab.com/api), if any. */
export function serviceForSite(site: { host: string; path: string }): { entry: ProviderEntry; listing: string } | undefined {
  const found = presetForHost(site.host, site.path);
  return found && { entry: found.entry, listing: mappingName(site.host, found.path) };
}

/** "github.com, api.github.com", "any host": what a service answers on, in a few words. */
export function hostsSummary(entry: ProviderEntry): string {
  const names = listingsOf(entry).map((l) => l.name);
  if (names.length === 0) return 'any host you name';
  return names.length <= 2 ? names.join(', ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
}

/** A service's first host is chosen for the user; a service without hosts (or Other) asks for one. */
export function initialHosts(entry: ProviderEntry | undefined, custom = ''): HostSelection {
  const first = entry ? listingsOf(entry)[0] : undefined;
  return { checked: first ? [first.name] : [], another: false, custom };
}

/** Whether the user types a host: Other, a service that lists none, or "Another host". */
export function typesHost(entry: ProviderEntry | undefined, hosts: HostSelection): boolean {
  return !entry || entry.hosts.length === 0 || hosts.another;
}

/** What the form maps: each chosen listing with its own shape and path, then the typed host (on the typed path). */
export function targetsOf(entry: ProviderEntry | undefined, hosts: HostSelection, typedPath: string | undefined): Target[] {
  const chosen: Target[] = (entry ? listingsOf(entry) : [])
    .filter((l) => hosts.checked.includes(l.name))
    .map(({ host, path, rule }) => ({ host, ...(path ? { path } : {}), rule }));
  const typed = typesHost(entry, hosts) ? hosts.custom.trim() : '';
  return typed ? [...chosen, { host: typed, rule: ruleForHost(entry, typed, typedPath) }] : chosen;
}
