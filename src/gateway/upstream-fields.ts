/** Which header fields cross the gateway, each way, and whether a request carries a body. */
import type { IncomingMessage } from 'node:http';
import { CLIENT_CREDENTIAL_HEADERS } from './header-rules.js';
import type { Injection } from './injection.js';

/** RFC 9110 §7.6.1 connection-specific fields, plus proxy credentials, never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'upgrade']);
const HOP_BY_HOP_RESPONSE = new Set([...HOP_BY_HOP, 'transfer-encoding']);

function connectionListed(rawHeaders: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === 'connection') {
      for (const token of (rawHeaders[i + 1] as string).split(',')) {
        const name = token.trim().toLowerCase();
        if (name && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade') (listed ??= new Set()).add(name);
      }
    }
  }
  return listed;
}

/**
 * Request fields that would let a response slip past the scan on a mapped host: compression,
 * WebSocket extensions (compressed frames), and ranges (the agent asks for the echo in pieces
 * each shorter than the value, then puts them together).
 */
const SCAN_DEFEATING_HEADERS: ReadonlySet<string> = new Set(['accept-encoding', 'sec-websocket-extensions', 'range', 'if-range']);

/**
 * Fields undici writes itself or refuses: it frames the body from its length (chunked without one),
 * and it has no 100-continue on HTTP/1.1. Node's server already answered a client's `Expect:
 * 100-continue`, so the body is on its way whatever the upstream would have said (and requests
 * that carry `Expect` take node:http anyway, upstream-request.ts).
 */
const FRAMING_HEADERS: ReadonlySet<string> = new Set(['transfer-encoding', 'expect']);

/**
 * The upstream request's headers as a flat raw array (Node's fast path): Host first, no hop-by-hop
 * fields (nor, with `ownFraming`, FRAMING_HEADERS), and when injecting: no client credential of any kind, `Accept-Encoding: identity` (the
 * response is scanned for the value; docs/security.md) and none of SCAN_DEFEATING_HEADERS.
 */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  hostHeader: string,
  inject: Injection['headers'] | undefined,
  keepUpgrade = false,
  dropClientCredentials = false,
  ownFraming = false,
): string[] {
  const out: string[] = ['host', hostHeader];
  const listed = connectionListed(rawHeaders);
  const injectNames = inject && new Set(inject.map(([name]) => name));
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (lower === 'host') continue;
    if (HOP_BY_HOP.has(lower) && !(keepUpgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    if (listed?.has(lower)) continue;
    if (ownFraming && FRAMING_HEADERS.has(lower)) continue;
    if (dropClientCredentials && CLIENT_CREDENTIAL_HEADERS.has(lower)) continue;
    if (injectNames && (CLIENT_CREDENTIAL_HEADERS.has(lower) || injectNames.has(lower) || SCAN_DEFEATING_HEADERS.has(lower))) continue;
    out.push(name, rawHeaders[i + 1] as string);
  }
  if (inject) {
    out.push('accept-encoding', 'identity');
    for (const [name, value] of inject) out.push(name, value);
  }
  return out;
}

export function responseHeaders(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  const listed = connectionListed(rawHeaders);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = (rawHeaders[i] as string).toLowerCase();
    if (HOP_BY_HOP_RESPONSE.has(lower) || listed?.has(lower)) continue;
    out.push(rawHeaders[i] as string, rawHeaders[i + 1] as string);
  }
  return out;
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
