import dns, { type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { egressEntry } from '../shared/agent-policy.js';
import { isLoopbackHost, normaliseHost } from '../shared/host-authority.js';

/**
 * A host as the egress decision compares it: normaliseHost's form (lower case, punycode, no
 * trailing dot), with IPv6 compressed (`0:0:0:0:0:0:0:1` is `::1`) and unbracketed.
 */
export function canonicalHost(raw: string): string | undefined {
  const host = normaliseHost(raw);
  if (!host || !host.includes(':')) return host;
  const parsed = URL.parse(`http://[${host}]/`);
  return parsed ? parsed.hostname.slice(1, -1) : undefined;
}

/**
 * An agent's egress allowlist, compiled for the hot path: hosts listed without a port (443 and
 * 80) in one Set, `host:port` entries in another, and `*.parent` entries as `.parent` suffixes
 * likewise. A lookup is one Set probe, plus one per label of the host when there are wildcards:
 * O(labels), whatever the list's size.
 */
export class EgressAllowlist {
  /** Hosts allowed on 443 and 80 (no port listed). */
  readonly #hosts = new Set<string>();
  /** `host:port` (IPv6 bracketed) for entries with a port. */
  readonly #authorities = new Set<string>();
  /** `.parent` of `*.parent` entries without a port; `.parent:port` of those with one. */
  readonly #suffixes = new Set<string>();

  /** `entries` in any spelling egressEntry accepts; anything else is skipped (the schema refused it already). */
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = egressEntry(raw);
      if (entry === undefined) continue;
      const m = /^(\[[^\]]+\]|[^:]+)(:\d+)?$/.exec(entry);
      const host = m?.[1] ?? entry;
      const port = m?.[2] ?? '';
      if (host.startsWith('*.')) this.#suffixes.add(`${host.slice(1)}${port}`);
      else if (port) this.#authorities.add(`${host}${port}`);
      else this.#hosts.add(host.startsWith('[') ? host.slice(1, -1) : host);
    }
  }

  /** `host` as parseAuthority gives it (lower case, punycode, no trailing dot, IPv6 unbracketed). */
  allows(host: string, port: number): boolean {
    const v6 = host.includes(':');
    const canonical = v6 ? canonicalHost(host) : host;
    if (canonical === undefined) return false;
    const defaultPort = port === 443 || port === 80;
    if (defaultPort && this.#hosts.has(canonical)) return true;
    if (this.#authorities.size > 0 && this.#authorities.has(v6 ? `[${canonical}]:${port}` : `${canonical}:${port}`)) return true;
    if (this.#suffixes.size === 0 || v6 || isIP(canonical) !== 0) return false;
    for (let dot = canonical.indexOf('.'); dot !== -1; dot = canonical.indexOf('.', dot + 1)) {
      const suffix = canonical.slice(dot);
      if ((defaultPort && this.#suffixes.has(suffix)) || this.#suffixes.has(`${suffix}:${port}`)) return true;
    }
    return false;
  }
}

/** One compiled allowlist per distinct list: agents given the same preset share it. */
export function allowlistFor(hosts: readonly string[], cache: Map<string, EgressAllowlist>): EgressAllowlist {
  const key = hosts.join('\n');
  let list = cache.get(key);
  if (!list) cache.set(key, (list = new EgressAllowlist(hosts)));
  return list;
}

/** Addresses that reach this machine: loopback in every spelling, and the unspecified addresses (which connect to it). */
const THIS_MACHINE = new BlockList();
THIS_MACHINE.addSubnet('127.0.0.0', 8, 'ipv4');
THIS_MACHINE.addAddress('0.0.0.0', 'ipv4');
THIS_MACHINE.addAddress('::1', 'ipv6');
THIS_MACHINE.addAddress('::', 'ipv6');
THIS_MACHINE.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');
THIS_MACHINE.addAddress('::ffff:0.0.0.0', 'ipv6');

export function reachesThisMachine(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  try {
    return THIS_MACHINE.check(address, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

/**
 * A `lookup` for sockets opened on behalf of an allowlisted agent to a host *name*: a name that
 * resolves to this machine (`localtest.me`, `127.0.0.1.nip.io`, a rebinding DNS answer) is
 * refused, so an agent sandboxed to the gateway's port cannot reach other local services
 * through an allowed wildcard. Loopback is reachable only when listed as such (`localhost:3000`,
 * `127.0.0.1:8080`) or mapped.
 */
export const lookupRefusingThisMachine: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    if (addresses.some((a) => reachesThisMachine(a.address))) {
      return callback(Object.assign(new Error('the name resolves to this machine'), { code: 'EGRESS_LOOPBACK' }), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
    callback(null, first.address, first.family);
  });
};

/** True when connecting to `host` needs the guarded lookup: a name, not a loopback name or an IP literal. */
export function needsResolutionGuard(host: string): boolean {
  return isIP(host) === 0 && !isLoopbackHost(host);
}
