import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** A host and port as they appear in a CONNECT line or a mapping (`host`, `host:port`, `[v6]:port`). */
export interface Authority {
  /** Lower-case ASCII host (IDNA-normalised), IPv6 without brackets, may start with `*.`. */
  readonly host: string;
  readonly port: number;
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-cases and IDNA-normalises a host name or IP literal; returns undefined when it is not one. */
export function normaliseHost(raw: string, { allowWildcard = false } = {}): string | undefined {
  let host = raw.trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (isIP(host)) return host.toLowerCase();
  let wildcard = '';
  if (allowWildcard && host.startsWith('*.')) {
    wildcard = '*.';
    host = host.slice(2);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  const ascii = domainToASCII(host);
  if (!ascii || ascii.length > 253) return undefined;
  if (!ascii.split('.').every((label) => HOST_LABEL.test(label))) return undefined;
  return wildcard + ascii;
}

/**
 * Parses `host`, `host:port` or `[v6]:port`. Returns undefined for anything else, so
 * callers decide how to report it.
 */
export function parseAuthority(raw: string, defaultPort: number, opts: { allowWildcard?: boolean; minPort?: number } = {}): Authority | undefined {
  let hostPart = raw;
  let port = defaultPort;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  if (v6) {
    hostPart = `[${v6[1]}]`;
    if (v6[2] !== undefined) port = Number(v6[2]);
  } else {
    const colon = raw.lastIndexOf(':');
    if (colon !== -1) {
      if (raw.indexOf(':') !== colon) return undefined; // bare IPv6 needs brackets
      const portText = raw.slice(colon + 1);
      if (!/^\d{1,5}$/.test(portText)) return undefined;
      port = Number(portText);
      hostPart = raw.slice(0, colon);
    }
  }
  if (!Number.isInteger(port) || port < (opts.minPort ?? 1) || port > 65_535) return undefined;
  const host = normaliseHost(hostPart, opts);
  return host ? { host, port } : undefined;
}

/**
 * Whether a Host header names `authority` (a parseAuthority result), as `parseAuthority(header,
 * defaultPort)` would say. The spellings a client almost always sends (`host`, `host:port`,
 * `[v6]:port`, as the authority already is normalised) are compared as strings: IDNA-normalising
 * the header on every request was the largest of the gateway's own costs at c=1. Any other
 * spelling is parsed.
 */
export function namesAuthority(header: string | undefined, authority: Authority, defaultPort: number): boolean {
  if (header === undefined) return false;
  const { host, port } = authority;
  const v6 = host.includes(':');
  if (port === defaultPort && !v6 && header === host) return true;
  if (header === formatAuthority(authority)) return true;
  const parsed = parseAuthority(header, defaultPort);
  return parsed !== undefined && parsed.host === host && parsed.port === port;
}

/** `host:port`, with brackets for IPv6: the key mappings are looked up by. */
export function formatAuthority({ host, port }: Authority): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** True for hosts that never leave this machine. */
/** Loopback in every spelling: 127.0.0.0/8, ::1 (also written out in full) and IPv4-mapped 127/8. */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family === 0) return false;
  try {
    return LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}
