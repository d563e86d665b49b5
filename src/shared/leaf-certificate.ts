import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  derChildren,
  derElement,
  explicit,
  implicit,
  NULL,
  octetString,
  oid,
  sequence,
  smallInteger,
  time,
  tlv,
  TRUE,
  unsignedInteger,
  utf8String,
} from './der.js';

/**
 * The one way a TLS leaf is minted from the local CA: the gateway serves these leaves
 * (src/gateway/leaf-certificates.ts caches them per host) and the doctor's CA trust probe serves
 * one (src/core/doctor/probe-leaf-certificate.ts), so a client the doctor sees accept its leaf
 * accepts the gateway's. Node's crypto alone (the DER is written by ./der.ts): no ASN.1
 * library on the gateway's heap. Never imported by the renderer.
 */

/** How long a leaf is valid unless the caller says otherwise. */
export const LEAF_VALIDITY_MS = 7 * 24 * 3600_000;
/** Clients whose clock runs a little behind still accept a fresh leaf. */
export const LEAF_BACKDATE_MS = 3600_000;
/** The name the CA-key check mints for: never a real host. */
const KEY_CHECK_HOST = 'ca-key-check.invalid';

/** Why a CA cannot mint leaves. The message is ours, never a parser's: it cannot echo key material. */
export class LeafCaError extends Error {}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** The CA's signature: hash and AlgorithmIdentifier, from its key, so EC and RSA CAs both work. */
interface SigningAlgorithm {
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  /** DER AlgorithmIdentifier: ECDSA takes no parameters, RSA a NULL (RFC 5758 §3.2, RFC 4055 §5). */
  readonly identifier: Buffer;
}

const EC_SIGNING: Record<string, SigningAlgorithm> = {
  prime256v1: { hash: 'sha256', identifier: sequence(oid(OID.ecdsaWithSha256)) },
  secp384r1: { hash: 'sha384', identifier: sequence(oid(OID.ecdsaWithSha384)) },
  secp521r1: { hash: 'sha512', identifier: sequence(oid(OID.ecdsaWithSha512)) },
};

function signingAlgorithm(caPublicKey: KeyObject): SigningAlgorithm {
  const type = caPublicKey.asymmetricKeyType;
  const curve = caPublicKey.asymmetricKeyDetails?.namedCurve;
  if (type === 'ec' && curve && EC_SIGNING[curve]) return EC_SIGNING[curve];
  if (type === 'rsa') return { hash: 'sha256', identifier: sequence(oid(OID.sha256WithRsa), NULL) };
  throw new LeafCaError(
    `the CA certificate uses ${type === 'ec' ? `the curve ${curve ?? 'unknown'}` : (type ?? 'an unknown algorithm')}; use an EC (P-256/P-384) or RSA CA`,
  );
}

/**
 * The issuer, subject and key of a certificate exactly as its DER has them (RFC 5280 §4.1:
 * tbsCertificate is version [0] (optional), serialNumber, signature, issuer, validity, subject,
 * subjectPublicKeyInfo, …, extensions [3]).
 */
function tbsFields(certDer: Uint8Array) {
  const tbs = derChildren(certDer, derElement(certDer, 0, certDer.length))[0];
  if (!tbs) throw new Error('not a certificate');
  const fields = derChildren(certDer, tbs);
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  const spki = fields[first + 5];
  if (issuer?.tag !== 0x30 || subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new Error('not a certificate');
  return { fields, issuer, subject, spki };
}

export function certificateNames(certDer: ArrayBuffer | Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const der = certDer instanceof Uint8Array ? certDer : new Uint8Array(certDer);
  const { issuer, subject } = tbsFields(der);
  return { issuer: der.subarray(issuer.start, issuer.end), subject: der.subarray(subject.start, subject.end) };
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's bits. */
function keyIdOf(spkiDer: Uint8Array): Buffer {
  const [, bits] = derChildren(spkiDer, derElement(spkiDer, 0, spkiDer.length));
  if (bits?.tag !== 0x03) throw new Error('not a public key');
  return createHash('sha1')
    .update(spkiDer.subarray(bits.body + 1, bits.end))
    .digest();
}

/** The certificate's own subject key identifier, if it has one (it need not be the SHA-1 of its key). */
function subjectKeyIdOf(certDer: Uint8Array): Buffer | undefined {
  const extensions = tbsFields(certDer).fields.find((f) => f.tag === 0xa3);
  if (!extensions) return undefined;
  const [list] = derChildren(certDer, extensions);
  const skiOid = oid(OID.subjectKeyId);
  for (const ext of list ? derChildren(certDer, list) : []) {
    const parts = derChildren(certDer, ext);
    const id = parts[0];
    const value = parts.at(-1);
    if (!id || value?.tag !== 0x04 || !skiOid.equals(certDer.subarray(id.start, id.end))) continue;
    const keyId = derElement(certDer, value.body, value.end);
    if (keyId.tag === 0x04) return Buffer.from(certDer.subarray(keyId.body, keyId.end));
  }
  return undefined;
}

/**
 * A CA loaded for minting, with the one leaf key pair its leaves carry (a fresh key per leaf buys
 * nothing here and costs a key generation per first request). Made by {@link createLeafSigner}.
 */
export interface LeafSigner {
  /** The CA's subject DER: a leaf's issuer, byte for byte. */
  readonly issuer: Buffer;
  /** The leaves' AuthorityKeyIdentifier: the CA's own SKI if it has one. */
  readonly authorityKeyId: Buffer;
  readonly caNotAfter: number;
  readonly caKey: KeyObject;
  readonly caPublicKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  /** The leaves' SubjectPublicKeyInfo DER and its key identifier. */
  readonly leafSpki: Buffer;
  readonly leafKeyId: Buffer;
  /** PKCS#8 PEM of the leaves' own key (never the CA's). */
  readonly leafKeyPem: string;
}

/** A minted leaf: what a TLS context and the cache need. */
export interface MintedLeaf {
  readonly der: Buffer;
  readonly pem: string;
  readonly notAfter: Date;
}

/**
 * Loads the CA (PKCS#8 key, EC or RSA), makes the leaf key pair, and proves that the key belongs
 * to the certificate and that a leaf it signs verifies against the certificate's key.
 */
export async function createLeafSigner(certPem: string, keyPem: string): Promise<LeafSigner> {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(certPem);
  } catch {
    throw new LeafCaError('the CA certificate is not a PEM X.509 certificate');
  }
  const algorithm = signingAlgorithm(ca.publicKey);
  const notPkcs8 = new LeafCaError('the CA key is not a PKCS#8 PEM private key ("BEGIN PRIVATE KEY") of the same type as the CA certificate');
  if (!keyPem.includes('-----BEGIN PRIVATE KEY-----')) throw notPkcs8;
  let caKey: KeyObject;
  try {
    caKey = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch {
    throw notPkcs8;
  }
  const sameType =
    caKey.asymmetricKeyType === ca.publicKey.asymmetricKeyType && caKey.asymmetricKeyDetails?.namedCurve === ca.publicKey.asymmetricKeyDetails?.namedCurve;
  if (!sameType) throw notPkcs8;
  if (!ca.checkPrivateKey(caKey)) throw new LeafCaError('the CA key does not belong to the CA certificate');

  const raw = new Uint8Array(ca.raw);
  // rustls (Codex) and Go's crypto/x509 chain a leaf to its CA by comparing the leaf's issuer
  // with the CA's subject byte for byte, so the issuer is the CA's subject DER as it is, never
  // rebuilt from its text (which would change string types). The AKI is the CA's own SKI when it
  // has one: OpenSSL refuses an issuer whose SKI differs from the leaf's AKI.
  const { subject, spki } = tbsFields(raw);
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leafSpki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  const signer: LeafSigner = {
    issuer: Buffer.from(raw.subarray(subject.start, subject.end)),
    authorityKeyId: subjectKeyIdOf(raw) ?? keyIdOf(raw.subarray(spki.start, spki.end)),
    caNotAfter: new Date(ca.validTo).getTime(),
    caKey,
    caPublicKey: ca.publicKey,
    algorithm,
    leafSpki,
    leafKeyId: keyIdOf(leafSpki),
    leafKeyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
  const probe = new X509Certificate(mintLeaf(signer, [KEY_CHECK_HOST]).der);
  if (!probe.verify(ca.publicKey)) throw new LeafCaError('the CA key does not belong to the CA certificate');
  return signer;
}

export interface MintLeafOptions {
  /** Default: now. */
  readonly now?: number;
  /** Default {@link LEAF_VALIDITY_MS}; never past the CA's own expiry. */
  readonly validityMs?: number;
}

/** The SAN's GeneralNames (RFC 5280 §4.2.1.6): dNSName [2] IA5String, iPAddress [7] octets. */
function generalName(name: string): Buffer {
  const family = isIP(name);
  // Callers pass normalised hosts (IDNA to ASCII); anything else would be mangled by IA5String.
  if (family === 0 && !/^[A-Za-z0-9*_.-]{1,253}$/.test(name)) throw new Error('a leaf names ASCII host names (IDNA-encoded) or IP addresses only');
  if (family === 0) return implicit(2, Buffer.from(name, 'ascii'));
  if (family === 4) return implicit(7, Buffer.from(name.split('.').map(Number)));
  return implicit(7, ipv6Bytes(name));
}

/** An IPv6 address as its 16 bytes (RFC 4291 §2.2 text forms, an IPv4 tail included); a zone id is refused. */
function ipv6Bytes(address: string): Buffer {
  const refuse = () => new Error(`${JSON.stringify(address.slice(0, 60))} is not an IPv6 address a certificate can name`);
  if (address.includes('%')) throw refuse();
  const halves = address.split('::');
  if (halves.length > 2) throw refuse();
  const bytesOf = (part: string): number[] =>
    (part ? part.split(':') : []).flatMap((group, i, all) => {
      if (i === all.length - 1 && group.includes('.')) {
        if (isIP(group) !== 4) throw refuse();
        return group.split('.').map(Number);
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) throw refuse();
      const v = parseInt(group, 16);
      return [v >> 8, v & 0xff];
    });
  const left = bytesOf(halves[0] ?? '');
  const right = halves.length === 2 ? bytesOf(halves[1] ?? '') : [];
  const gap = 16 - left.length - right.length;
  if (gap < 0 || (halves.length === 1 && gap !== 0) || (halves.length === 2 && gap < 2)) throw refuse();
  return Buffer.from([...left, ...new Array<number>(gap).fill(0), ...right]);
}

const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [TRUE] : []), octetString(value));

/**
 * A leaf for `names` (DNS names or IP addresses, the first one also its CN), signed by the CA:
 * SAN, CA:FALSE, digitalSignature, serverAuth, AKI = the CA's own SKI, issuer = the CA's subject
 * DER. rustls (Codex) and Go are strict: a leaf needs a SAN, CA:FALSE and serverAuth.
 */
export function mintLeaf(signer: LeafSigner, names: readonly [string, ...string[]], options: MintLeafOptions = {}): MintedLeaf {
  const now = options.now ?? Date.now();
  // Whole seconds: what the certificate can say, so the cache's renewal time is the real expiry.
  const notAfter = new Date(Math.floor(Math.min(now + (options.validityMs ?? LEAF_VALIDITY_MS), signer.caNotAfter) / 1000) * 1000);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40; // positive and with no leading zero, as RFC 5280 and DER require
  const first = names[0];
  const extensions = [
    extension(OID.basicConstraints, true, sequence()), // cA FALSE is the default, so left out (DER)
    extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)), // digitalSignature
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(...names.map(generalName))),
    extension(OID.authorityKeyId, false, sequence(implicit(0, signer.authorityKeyId))),
    extension(OID.subjectKeyId, false, octetString(signer.leafKeyId)),
  ];
  const commonName = isIP(first) ? 'OneCLI gateway' : first;
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    signer.algorithm.identifier,
    signer.issuer,
    sequence(time(new Date(now - LEAF_BACKDATE_MS)), time(notAfter)),
    sequence(tlv(0x31, sequence(oid(OID.commonName), utf8String(commonName)))), // one RDN: a SET OF one
    signer.leafSpki,
    explicit(3, sequence(...extensions)),
  );
  // ECDSA signatures come out DER-encoded (Ecdsa-Sig-Value), RSA as PKCS#1 v1.5: what X.509 wants.
  const signature = sign(signer.algorithm.hash, tbs, signer.caKey);
  const der = sequence(tbs, signer.algorithm.identifier, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? ''
  }\n-----END CERTIFICATE-----\n`;
  return { der, pem, notAfter };
}
