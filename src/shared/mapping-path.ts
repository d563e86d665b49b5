import { z } from 'zod';

/**
 * Path and method rules of a mapping (issue 12): a host may have several mappings, told apart by
 * an optional path prefix and an optional set of methods. A mapping is named `HOST` or
 * `HOST/PREFIX` (the prefix without its leading slash) in every command and message.
 */
export const HttpMethod = z
  .string()
  .regex(/^[A-Za-z]{1,20}$/, 'must be an HTTP method such as GET or POST')
  .transform((m) => m.toUpperCase());

/** `/repos/acme`: starts with a slash, no query, no dot segments, no `//`; stored without a trailing slash. */
export const PathPrefix = z
  .string()
  .max(500)
  .transform((p) => (p.startsWith('/') ? p : `/${p}`))
  .refine((p) => !/[?#\s\\]/.test(p), 'must be a plain path such as /v1/files (no query, fragment, spaces or backslashes)')
  .refine((p) => !p.startsWith('//') && !p.split('/').some((seg) => seg === '.' || seg === '..'), 'must not contain // at its start, "." or ".." segments')
  .refine((p) => !/%(2e|2f|5c)/i.test(p), 'must not encode ".", "/" or "\\"')
  .transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p));

/** The name of a mapping: `api.github.com` or `api.github.com/repos/acme`. */
export function mappingName(hostKey: string, pathPrefix?: string): string {
  return pathPrefix && pathPrefix !== '/' ? `${hostKey}${pathPrefix}` : hostKey;
}

/**
 * Characters WHATWG's path state keeps as they are (RFC 3986's unreserved, sub-delims, `:`, `@`,
 * `/`): nothing to percent-encode or decode, no `\`, no tab or newline to strip, no `#`.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
/** `.` or `..` as a whole segment: the parser resolves it. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/**
 * The path a request is matched on: the target without its query, with dot segments resolved as
 * an upstream would (`/v1/../admin` is `/admin`), percent-encoded `.` segments included.
 * Undefined when it is not a path (the door refuses it).
 */
export function pathForMatching(target: string): string | undefined {
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  // Every request is matched, and the URL parser was our costliest function on the hot path
  // (docs/performance.md): a path it would return unchanged skips it. test/unit/shared/mapping-path.test.ts
  // holds this to URL.parse on generated targets.
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return path;
  const parsed = URL.parse(target, 'http://h');
  return parsed ? parsed.pathname : undefined;
}

/** True when `path` is `prefix` or lies under it (`/v1` covers `/v1` and `/v1/x`, not `/v10`). */
export function pathUnder(path: string, prefix: string | undefined): boolean {
  if (!prefix || prefix === '/') return true;
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2f);
}
