import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * A mapped host is asked for `Accept-Encoding: identity`, so its responses can be scanned for the
 * credential as they stream. An upstream that compresses anyway is decoded here (and relayed
 * uncompressed, without Content-Length); an encoding we cannot decode is never relayed unread.
 */
export type DecodedBody = { readonly ok: true; readonly body: Readable; readonly headers: string[] } | { readonly ok: false; readonly encoding: string };

const DECODERS: Record<string, () => zlib.Gunzip | zlib.Unzip | zlib.BrotliDecompress> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  // RFC 9110 "deflate" is zlib-wrapped, but servers send raw deflate too: Unzip reads both headers.
  deflate: () => zlib.createUnzip(),
  br: () => zlib.createBrotliDecompress(),
};

const listed = (header: string | undefined, skip: string) =>
  (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity' && c !== skip);

/** The response's coding fields, each of its lines joined with ", " (as Node's `headers` holds them). */
export interface BodyCodings {
  readonly contentEncoding?: string | undefined;
  readonly transferEncoding?: string | undefined;
}

/**
 * The codings a body arrives in, in the order they were applied; none for identity. `bodyless`:
 * a HEAD, 204 or 304 answer, whose Content-Encoding describes a body not sent.
 */
export function codingsApplied(codings: BodyCodings, bodyless: boolean): string[] {
  if (bodyless || (codings.contentEncoding === undefined && codings.transferEncoding === undefined)) return [];
  // Transfer codings other than chunked (`Transfer-Encoding: gzip, chunked`) are not undone by
  // the HTTP parser: they wrap the content codings, so they come last in the list.
  return [...listed(codings.contentEncoding, ''), ...listed(codings.transferEncoding, 'chunked')];
}

export function decodedBody(source: Readable, codings: BodyCodings, headers: string[], bodyless: boolean): DecodedBody {
  const applied = codingsApplied(codings, bodyless);
  if (applied.length === 0) return { ok: true, body: source, headers };
  const unknown = applied.find((c) => !(c in DECODERS));
  if (unknown !== undefined) return { ok: false, encoding: unknown.slice(0, 40) };
  // Codings are listed in the order they were applied: undo them last to first.
  let body: Readable = source;
  for (const coding of applied.reverse()) {
    const decoder = (DECODERS[coding] as () => zlib.Gunzip)();
    body.on('error', (err) => decoder.destroy(err));
    body = body.pipe(decoder);
  }
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const lower = (headers[i] as string).toLowerCase();
    if (lower === 'content-encoding' || lower === 'content-length') continue;
    kept.push(headers[i] as string, headers[i + 1] as string);
  }
  return { ok: true, body, headers: kept };
}
