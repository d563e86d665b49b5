/**
 * Reads the server name (SNI) from the first bytes a client sends into a blind tunnel, without
 * decrypting anything: the ClientHello is sent in the clear. Used for agents whose egress is an
 * allowlist, so a tunnel opened to an allowed host cannot be pointed at another name by SNI
 * (domain fronting on a shared CDN edge that routes on SNI).
 */
export type HelloPeek =
  | { readonly kind: 'more' }
  | { readonly kind: 'not-tls' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'hello'; readonly serverName: string | undefined };

/** A ClientHello with post-quantum key shares is ~2 KiB; anything near this is not one. */
export const MAX_HELLO_BYTES = 32 * 1024;

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME_EXTENSION = 0x0000;

/** Joins the handshake bytes of the leading TLS records (a ClientHello may span several). */
function handshakeBytes(buf: Buffer): { bytes: Buffer; complete: boolean } | 'malformed' {
  const parts: Buffer[] = [];
  let offset = 0;
  let total = 0;
  let needed: number | undefined;
  while (offset + 5 <= buf.length) {
    if (buf[offset] !== HANDSHAKE) return 'malformed';
    const length = buf.readUInt16BE(offset + 3);
    if (length === 0 || length > 16_384 + 2048) return 'malformed';
    if (offset + 5 + length > buf.length) break;
    const fragment = buf.subarray(offset + 5, offset + 5 + length);
    parts.push(fragment);
    total += fragment.length;
    offset += 5 + length;
    if (needed === undefined && total >= 4) {
      const joined = Buffer.concat(parts);
      needed = 4 + joined.readUIntBE(1, 3);
    }
    if (needed !== undefined && total >= needed) return { bytes: Buffer.concat(parts), complete: true };
  }
  return { bytes: Buffer.concat(parts), complete: false };
}

export function peekClientHello(buf: Buffer): HelloPeek {
  if (buf.length === 0) return { kind: 'more' };
  if (buf[0] !== HANDSHAKE) return { kind: 'not-tls' };
  if (buf.length > MAX_HELLO_BYTES) return { kind: 'malformed' };
  const hs = handshakeBytes(buf);
  if (hs === 'malformed') return { kind: 'malformed' };
  if (!hs.complete) return { kind: 'more' };
  try {
    return { kind: 'hello', serverName: serverNameOf(hs.bytes) };
  } catch {
    return { kind: 'malformed' };
  }
}

/** Throws (RangeError) on a truncated message: the caller calls that malformed. */
function serverNameOf(hs: Buffer): string | undefined {
  if (hs[0] !== CLIENT_HELLO) throw new RangeError('not a ClientHello');
  const end = 4 + hs.readUIntBE(1, 3);
  let p = 4 + 2 + 32; // version, random
  p += 1 + hs.readUInt8(p); // session id
  p += 2 + hs.readUInt16BE(p); // cipher suites
  p += 1 + hs.readUInt8(p); // compression methods
  if (p >= end) return undefined; // no extensions
  const extEnd = p + 2 + hs.readUInt16BE(p);
  if (extEnd > end) throw new RangeError('extensions overrun');
  p += 2;
  while (p + 4 <= extEnd) {
    const type = hs.readUInt16BE(p);
    const length = hs.readUInt16BE(p + 2);
    const body = p + 4;
    if (body + length > extEnd) throw new RangeError('extension overrun');
    if (type === SERVER_NAME_EXTENSION) {
      let q = body + 2; // server_name_list length
      while (q + 3 <= body + length) {
        const nameType = hs.readUInt8(q);
        const nameLength = hs.readUInt16BE(q + 1);
        if (q + 3 + nameLength > body + length) throw new RangeError('name overrun');
        if (nameType === 0) return hs.toString('latin1', q + 3, q + 3 + nameLength);
        q += 3 + nameLength;
      }
      return undefined;
    }
    p = body + length;
  }
  return undefined;
}
