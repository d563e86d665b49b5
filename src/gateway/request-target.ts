/**
 * Rules on the request target that every door applies the same way (route, plain HTTP, inside a
 * MITM tunnel, and their upgrades), kept here so no door has its own reading.
 */

/**
 * What an agent is told when its target holds a `#`. A fragment is no part of a request target
 * (RFC 9112 §3.2), and servers disagree on where the path and query of `/v1/x#/../admin` end: a
 * path or block rule, or a query credential, matched on one reading may meet another upstream.
 */
export const FRAGMENT_MESSAGE =
  'A request target never holds a "#" (RFC 9112 §3.2), and servers disagree on where its path and query end: leave the fragment out, or send a literal "#" as %23.';

/** True when the target as received holds a literal `#` (an encoded `%23` is no fragment). */
export function hasFragment(url: string | undefined): boolean {
  return url !== undefined && url.includes('#');
}

/** `scheme://authority` with nothing after it: no path, no query (userinfo and a port may be in it). */
const NO_PATH_NO_QUERY = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\]*$/i;

/**
 * The origin-form target for an absolute-form one whose URL parsed as `parsed`. RFC 9112 §3.2.4:
 * for an OPTIONS whose URI has an empty path and no query, the last proxy sends `*` (which never
 * matches a mapping, so it carries no credential); any other empty path is `/`.
 */
export function originFormOf(url: string, parsed: URL, method: string | undefined): string {
  if (method === 'OPTIONS' && NO_PATH_NO_QUERY.test(url)) return '*';
  return `${parsed.pathname}${parsed.search}`;
}
