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
