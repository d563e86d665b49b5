import type { GatewayMapping } from '../shared/gateway-config.js';
import { formatAuthority } from '../shared/host-authority.js';

/** Same host, port and rule: what was decided with the old one still holds for the new. */
export function sameMapping(a: GatewayMapping | undefined, b: GatewayMapping | undefined): boolean {
  return a !== undefined && b !== undefined && a.host === b.host && a.port === b.port && JSON.stringify(a.rule) === JSON.stringify(b.rule);
}

/**
 * Mapping lookup by CONNECT authority and by base-URL route. O(1) per lookup, so 10,000
 * mappings cost the hot path nothing.
 */
export class MappingTable {
  readonly #byAuthority = new Map<string, GatewayMapping>();
  readonly #byRoute = new Map<string, GatewayMapping>();
  readonly #byId = new Map<string, GatewayMapping>();
  readonly size: number;

  constructor(mappings: readonly GatewayMapping[]) {
    for (const m of mappings) {
      const key = formatAuthority(m);
      if (this.#byAuthority.has(key)) throw new Error(`two mappings for ${key}: keep one`);
      this.#byAuthority.set(key, m);
      this.#byId.set(m.id, m);
      if (m.route) {
        if (this.#byRoute.has(m.route)) throw new Error(`two mappings use route "${m.route}": routes must be unique`);
        this.#byRoute.set(m.route, m);
      }
    }
    this.size = mappings.length;
  }

  /** Exact host first, then a `*.parent` wildcard covering exactly one more label. */
  forAuthority(host: string, port: number): GatewayMapping | undefined {
    const exact = this.#byAuthority.get(formatAuthority({ host, port }));
    if (exact) return exact;
    const dot = host.indexOf('.');
    if (dot <= 0 || host.includes(':')) return undefined;
    return this.#byAuthority.get(`*${host.slice(dot)}:${port}`);
  }

  forRoute(route: string): GatewayMapping | undefined {
    return this.#byRoute.get(route);
  }

  byId(id: string): GatewayMapping | undefined {
    return this.#byId.get(id);
  }
}
