/**
 * The little DER (ITU-T X.690) that minting a TLS leaf needs: a reader for the fields of a
 * certificate we are given, and a writer for the ones we sign. Node's crypto signs and parses
 * certificates but cannot build one; a full ASN.1 library (@peculiar/x509 and its tree) costs the
 * gateway ~12 MiB of memory for the six extensions a leaf has (docs/performance.md).
 */

/** One DER element: where it starts, where its contents start, where it ends. */
export interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly body: number;
  readonly end: number;
}

export function derElement(der: Uint8Array, at: number, limit: number): DerElement {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined || (tag & 0x1f) === 0x1f) throw new Error('truncated or unsupported DER');
  let body = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[body + i] ?? Number.NaN);
    body += octets;
  }
  const end = body + length;
  if (!Number.isInteger(end) || end > limit) throw new Error('truncated DER');
  return { tag, start: at, body, end };
}

export function derChildren(der: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let at = parent.body; at < parent.end; at = out[out.length - 1]!.end) out.push(derElement(der, at, parent.end));
  return out;
}

// --- writing -------------------------------------------------------------------------------

/** Tag, definite length (short or long form, X.690 §8.1.3), contents. */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  let head: Buffer;
  if (n < 0x80) head = Buffer.from([tag, n]);
  else {
    const octets: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest & 0xff);
    head = Buffer.from([tag, 0x80 | octets.length, ...octets]);
  }
  return Buffer.concat([head, body]);
}

export const sequence = (...items: readonly Uint8Array[]) => tlv(0x30, ...items);
export const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
export const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
/** A constructed, context-specific tag (`[n] EXPLICIT`). */
export const explicit = (n: number, ...items: readonly Uint8Array[]) => tlv(0xa0 | n, ...items);
/** A primitive, context-specific tag standing in for the type's own (`[n] IMPLICIT`). */
export const implicit = (n: number, bytes: Uint8Array) => tlv(0x80 | n, bytes);
export const TRUE = Buffer.from([0x01, 0x01, 0xff]);
export const NULL = Buffer.from([0x05, 0x00]);

/** A BIT STRING of whole bytes, or of `bits` bits (the rest unused, as KeyUsage writes it). */
export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.from([unusedBits]), bytes);
}

/** A non-negative INTEGER from big-endian bytes, minimal as DER demands (§8.3.2). */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let at = 0;
  while (at < bytes.length - 1 && bytes[at] === 0) at++;
  const trimmed = bytes.subarray(at);
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0x7f) throw new RangeError('smallInteger takes 0..127');
  return Buffer.from([0x02, 0x01, value]);
}

/** An OBJECT IDENTIFIER from its dotted form (§8.19). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const bytes: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift(0x80 | (v & 0x7f));
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, seconds, always `Z`. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-12-03T09:44:12.345Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, ''); // 20261203094412
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new RangeError('a certificate date must be within 1950..9999');
  return year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}
