import type { GatewayMapping } from '../shared/gateway-config.js';
import { formatAuthority } from '../shared/host-authority.js';
import { pathUnder } from '../shared/mapping-path.js';
import { lenientPath } from './block-rules.js';

/** Same host, port, rule, path and methods: what was decided with the old one still holds for the new. */
export function sameMapping(a: GatewayMapping | undefined, b: GatewayMapping | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.host === b.host &&
    a.port === b.port &&
    a.path === b.path &&
    JSON.stringify(a.methods ?? null) === JSON.stringify(b.methods ?? null) &&
    JSON.stringify(a.rule) === JSON.stringify(b.rule) &&
    JSON.stringify(a.blocks ?? null) === JSON.stringify(b.blocks ?? null)
  );
}

/** The mappings of one authority, most specific first: longest path prefix, then a method match. */
export type HostRules = readonly GatewayMapping[];

function specificity(m: GatewayMapping): number {
  return (m.path && m.path !== '/' ? m.path.length : 0) * 2 + (m.methods ? 1 : 0);
}

/**
 * The mapping a request gets: the first (most specific) rule whose prefix covers the path and
 * whose methods include the method. Undefined: the host is mapped, but not for this request.
 */
export function matchRule(rules: HostRules, method: string, path: string): GatewayMapping | undefined {
  let lenient: string | undefined;
  for (const m of rules) {
    if (m.methods && !m.methods.includes(method)) continue;
    if (!pathUnder(path, m.path)) continue;
    if (!m.path || m.path === '/') return m;
    // A path rule grants only if the most lenient upstream reads the path under it too:
    // `/v1/..%2Fadmin` (nginx decodes, then resolves) or `/v1/..;/admin` (Tomcat) is `/admin`.
    lenient ??= lenientPath(path);
    if (pathUnder(lenient, m.path.toLowerCase())) return m;
  }
  return undefined;
}

/**
 * Mapping lookup by CONNECT authority and by base-URL route. O(1) per authority, then a scan of
 * that authority's few rules, so 10,000 mappings cost the hot path nothing.
 */
export class MappingTable {
  readonly #byAuthority = new Map<string, GatewayMapping[]>();
  /** route → authority key: a route names a host; its rules decide per request. */
  readonly #byRoute = new Map<string, string>();
  readonly #byId = new Map<string, GatewayMapping>();
  readonly size: number;

  constructor(mappings: readonly GatewayMapping[]) {
    for (const m of mappings) {
      const key = formatAuthority(m);
      if (this.#byId.has(m.id)) throw new Error(`two mappings are named ${m.id}: keep one`);
      this.#byId.set(m.id, m);
      const rules = this.#byAuthority.get(key) ?? [];
      const twin = rules.find(
        (r) => (r.path ?? '/') === (m.path ?? '/') && JSON.stringify(r.methods?.slice().sort() ?? null) === JSON.stringify(m.methods?.slice().sort() ?? null),
      );
      if (twin) throw new Error(`two mappings for ${key}${m.path && m.path !== '/' ? m.path : ''} with the same methods: keep one`);
      rules.push(m);
      this.#byAuthority.set(key, rules);
      if (m.route) {
        const owner = this.#byRoute.get(m.route);
        if (owner !== undefined && owner !== key) throw new Error(`two mappings use route "${m.route}": routes must be unique`);
        this.#byRoute.set(m.route, key);
      }
    }
    for (const rules of this.#byAuthority.values()) rules.sort((a, b) => specificity(b) - specificity(a));
    this.size = mappings.length;
  }

  /** Exact host first, then a `*.parent` wildcard covering exactly one more label. */
  rulesFor(host: string, port: number): HostRules | undefined {
    const exact = this.#byAuthority.get(formatAuthority({ host, port }));
    if (exact) return exact;
    const dot = host.indexOf('.');
    if (dot <= 0 || host.includes(':')) return undefined;
    return this.#byAuthority.get(`*${host.slice(dot)}:${port}`);
  }

  /** The first rule of a host: for callers that need one mapping for the host (activity, errors). */
  forAuthority(host: string, port: number): GatewayMapping | undefined {
    return this.rulesFor(host, port)?.[0];
  }

  /** The rules of the host a route names. */
  rulesForRoute(route: string): HostRules | undefined {
    const key = this.#byRoute.get(route);
    return key === undefined ? undefined : this.#byAuthority.get(key);
  }

  forRoute(route: string): GatewayMapping | undefined {
    return this.rulesForRoute(route)?.[0];
  }

  byId(id: string): GatewayMapping | undefined {
    return this.#byId.get(id);
  }
}
