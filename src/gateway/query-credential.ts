/**
 * The query shape: the credential in a query parameter (`?key=<value>`), replacing whatever the
 * agent put there. "Replacing" has to hold for every server's idea of which parameter is `key`,
 * so a parameter is taken for ours, and removed, when any reasonable parser could read its name
 * as ours:
 * - `&` and `;` both separate parameters (older servers and some frameworks split on `;`);
 * - names are compared after percent-decoding, repeated (`%6Bey`, `%256Bey`), `+` as a space,
 *   in any letter case, trimmed, cut at a NUL or a decoded `=`, and without a PHP/Rails array
 *   suffix (`key[]`).
 * Not covered: a server that percent-decodes the whole query before splitting it at `&` (it
 * would read `x=%26key%3Dv` as two parameters); no parser we know of does.
 * Our own parameter is appended once, its value percent-encoded (RFC 3986 unreserved left as is).
 * A target with a fragment (`#`) is refused: it never belongs in a request (RFC 9112 §3.2), and
 * servers disagree on where the query ends.
 */

const MAX_DECODE_ROUNDS = 4;

/** Percent-decodes what decodes; a `%` that starts no valid escape stays as it is. */
function decodeLoosely(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Not UTF-8: decode byte by byte as Latin-1 so `%6B%FF` still shows its `k`.
      return run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  });
}

function normalisedName(raw: string): string {
  // A server that decodes before it splits on `=` reads `key%3Dx` as `key`.
  const name = raw.replace(/\0.*$/s, '').split('=')[0] ?? '';
  return name
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '');
}

/** True when some server could read the parameter name `raw` (as sent) as `param`. */
export function namesParam(raw: string, param: string): boolean {
  const want = param.toLowerCase();
  let text = raw.replaceAll('+', ' ');
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (normalisedName(text) === want) return true;
    const next = decodeLoosely(text);
    if (next === text) return false;
    text = next;
  }
  return normalisedName(text) === want;
}

/** RFC 3986 §2.3: everything but unreserved characters percent-encoded (encodeURIComponent leaves `!'()*`). */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `path` (origin-form, with its query) with every copy of `param` removed and ours appended, or
 * undefined when the target cannot safely carry the credential (it holds a `#`). `encodedValue`
 * is the value already percent-encoded ({@link encodeQueryValue}, done once per resolve).
 */
export function withQueryCredential(path: string, param: string, encodedValue: string): string | undefined {
  if (path.includes('#')) return undefined;
  const q = path.indexOf('?');
  const base = q === -1 ? path : path.slice(0, q);
  const query = q === -1 ? '' : path.slice(q + 1);
  // Split keeping each separator with the parameter after it, so the agent's own `;` and `&` survive.
  const pieces = query === '' ? [] : query.split(/(?=[&;])/);
  const kept = pieces.filter((piece) => {
    const body = /^[&;]/.test(piece) ? piece.slice(1) : piece;
    const eq = body.indexOf('=');
    return !namesParam(eq === -1 ? body : body.slice(0, eq), param);
  });
  let rest = kept.join('');
  // The first piece kept may have lost the one before it: it must not start with a separator.
  if (/^[&;]/.test(rest)) rest = rest.slice(1);
  const ours = `${param}=${encodedValue}`;
  return `${base}?${rest === '' ? ours : `${rest}&${ours}`}`;
}
