import type { IncomingHttpHeaders } from 'node:http';
import type { BlockRule } from '../shared/agent-policy.js';
import type { GatewayMapping } from '../shared/gateway-config.js';

/**
 * Headers and the query parameter some frameworks read as the real method (Google APIs,
 * Rails/Rack, Express's method-override): a `POST` carrying `X-HTTP-Method-Override: DELETE` is a
 * DELETE to them, so a rule blocking DELETE blocks it too.
 */
const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;
/** What a form body's `_method` may turn a POST into (Rack's list of HTTP methods). */
const FORM_OVERRIDABLE = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'LINK', 'UNLINK'] as const;

function effectiveMethods(method: string, target: string, headers: IncomingHttpHeaders): string[] {
  const methods = [method.toUpperCase()];
  // Most frameworks (Rails, Express, Flask, Spring) run the GET handler for HEAD.
  if (methods[0] === 'HEAD') methods.push('GET');
  // Rack's MethodOverride (and Laravel, Symfony) read `_method` from a form body, which is not read here: any method it could name.
  if (methods[0] === 'POST' && /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(headers['content-type'] ?? ''))
    methods.push(...FORM_OVERRIDABLE);
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const v = headers[name];
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) methods.push(one.trim().toUpperCase());
  }
  const q = target.indexOf('?');
  if (q !== -1) {
    const override = URL.parse(`http://h/${target.slice(q)}`)?.searchParams.getAll('_method') ?? [];
    for (const one of override) methods.push(one.trim().toUpperCase());
  }
  return methods;
}

function decodeOnce(path: string): string {
  return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** `path` starts with `/` and has no repeated slashes. */
function resolveDots(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/').slice(1)) {
    if (seg === '..') out.pop();
    else if (seg !== '.') out.push(seg);
  }
  return `/${out.join('/')}`;
}

/**
 * The path as the most lenient upstream could read it, for block rules only: query and fragment
 * dropped, percent-decoding repeated until nothing changes (`%2566iles` → `files`, `%2F` → `/`),
 * backslashes as slashes, `;params` dropped (Tomcat, Spring), repeated slashes collapsed, dot
 * segments resolved, lower case, cut at a decoded `?`, `#` or NUL. Over-reading only ever blocks more: a request one reading
 * would send to a blocked path is blocked, whatever the upstream actually does.
 */
export function lenientPath(target: string): string {
  let path = target;
  const end = path.search(/[?#]/);
  if (end !== -1) path = path.slice(0, end);
  for (let i = 0; i < 4; i++) {
    const decoded = decodeOnce(path);
    if (decoded === path) break;
    // A server that decodes before it splits reads `%3F`, `%23` as the query's start, and C code stops at a NUL.
    const cut = decoded.search(/[?#\0]/);
    path = cut === -1 ? decoded : decoded.slice(0, cut);
  }
  path = path
    .replace(/\\/g, '/')
    .replace(/;[^/]*/g, '')
    .replace(/\/{2,}/g, '/');
  if (!path.startsWith('/')) path = `/${path}`;
  return resolveDots(path).toLowerCase();
}

function under(path: string, prefix: string | undefined): boolean {
  if (!prefix || prefix === '/') return true;
  const p = prefix.toLowerCase();
  // `/v1/files.json` is `/v1/files` to Rails and to Spring's suffix pattern match.
  return path === p || (path.startsWith(p) && (path.charCodeAt(p.length) === 0x2f || (!p.endsWith('/') && path.charCodeAt(p.length) === 0x2e)));
}

/** The first block rule of `mapping` that refuses this request, or undefined (the common case: no rules, no work). */
export function blockingRule(mapping: GatewayMapping, method: string, target: string, headers: IncomingHttpHeaders): BlockRule | undefined {
  const blocks = mapping.blocks;
  if (!blocks) return undefined;
  const methods = effectiveMethods(method, target, headers);
  const path = lenientPath(target);
  return blocks.find((b) => (!b.methods || b.methods.some((m) => methods.includes(m))) && under(path, b.path));
}
