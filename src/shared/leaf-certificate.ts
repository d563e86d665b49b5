import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { x509 } from './x509.js';

/**
 * The one way a TLS leaf is minted from the local CA: the gateway serves these leaves
 * (src/gateway/leaf-certificates.ts caches them per host) and the doctor's CA trust probe serves
 * one (src/core/doctor/probe-leaf-certificate.ts), so a client the doctor sees accept its leaf
 * accepts the gateway's. Node only (WebCrypto, @peculiar/x509): never imported by the renderer.
 */

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;

/** How long a leaf is valid unless the caller says otherwise. */
export const LEAF_VALIDITY_MS = 7 * 24 * 3600_000;
/** Clients whose clock runs a little behind still accept a fresh leaf. */
export const LEAF_BACKDATE_MS = 3600_000;
/** The name the CA-key check mints for: never a real host. */
const KEY_CHECK_HOST = 'ca-key-check.invalid';

/** Why a CA cannot mint leaves. The message is ours, never a parser's: it cannot echo key material. */
export class LeafCaError extends Error {}

/** The CA's signing algorithm, derived from its key, so EC and RSA CAs both work. */
function signingAlgorithm(ca: x509.X509Certificate): {
  importAlg: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;
  signAlg: webcrypto.EcdsaParams | Algorithm;
} {
  const alg = ca.publicKey.algorithm as Partial<webcrypto.EcKeyAlgorithm & webcrypto.RsaHashedKeyAlgorithm>;
  if (alg.name === 'ECDSA' && alg.namedCurve) {
    const hash = alg.namedCurve === 'P-384' ? 'SHA-384' : alg.namedCurve === 'P-521' ? 'SHA-512' : 'SHA-256';
    return { importAlg: { name: 'ECDSA', namedCurve: alg.namedCurve }, signAlg: { name: 'ECDSA', hash } };
  }
  if (alg.name === 'RSASSA-PKCS1-v1_5') {
    return { importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signAlg: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  throw new LeafCaError(`the CA certificate uses ${alg.name ?? 'an unknown algorithm'}; use an EC (P-256/P-384) or RSA CA`);
}

function pemBody(pem: string, label: string): ArrayBuffer {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  if (!m?.[1]) throw new Error(`expected a PEM "${label}" block`);
  const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

function toPem(der: ArrayBuffer, label: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

/** One DER element: where it starts, where its contents start, where it ends. */
interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly body: number;
  readonly end: number;
}

function derElement(der: Uint8Array, at: number, limit: number): DerElement {
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

function derChildren(der: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let at = parent.body; at < parent.end; at = out[out.length - 1]!.end) out.push(derElement(der, at, parent.end));
  return out;
}

/**
 * The issuer and subject of a certificate exactly as its DER has them (RFC 5280 §4.1:
 * tbsCertificate is version [0] (optional), serialNumber, signature, issuer, validity, subject).
 */
export function certificateNames(certDer: ArrayBuffer | Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const der = certDer instanceof Uint8Array ? certDer : new Uint8Array(certDer);
  const tbs = derChildren(der, derElement(der, 0, der.length))[0];
  if (!tbs) throw new Error('not a certificate');
  const fields = derChildren(der, tbs);
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  if (issuer?.tag !== 0x30 || subject?.tag !== 0x30) throw new Error('not a certificate');
  return { issuer: der.subarray(issuer.start, issuer.end), subject: der.subarray(subject.start, subject.end) };
}

/**
 * A CA loaded for minting, with the one leaf key pair its leaves carry (a fresh key per leaf buys
 * nothing here and costs a key generation per first request). Made by {@link createLeafSigner}.
 */
export interface LeafSigner {
  readonly ca: x509.X509Certificate;
  /** The CA's subject, parsed from its own DER: re-serialised, it is those bytes again. */
  readonly issuer: x509.Name;
  readonly authorityKeyId: x509.AuthorityKeyIdentifierExtension;
  readonly caKey: CryptoKey;
  readonly signAlg: Algorithm;
  readonly leafKeys: CryptoKeyPair;
  /** PKCS#8 PEM of the leaves' own key (never the CA's). */
  readonly leafKeyPem: string;
}

/**
 * Loads the CA (PKCS#8 key, EC or RSA), makes the leaf key pair, and proves that the key signs
 * for the certificate and that its subject copies byte for byte into a leaf's issuer.
 */
export async function createLeafSigner(certPem: string, keyPem: string): Promise<LeafSigner> {
  let ca: x509.X509Certificate;
  try {
    ca = new x509.X509Certificate(certPem);
  } catch {
    throw new LeafCaError('the CA certificate is not a PEM X.509 certificate');
  }
  const { importAlg, signAlg } = signingAlgorithm(ca);
  let caKey: CryptoKey;
  try {
    caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem, 'PRIVATE KEY'), importAlg, false, ['sign']);
  } catch {
    throw new LeafCaError('the CA key is not a PKCS#8 PEM private key ("BEGIN PRIVATE KEY") of the same type as the CA certificate');
  }
  const leafKeys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const leafKeyPem = toPem(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY');
  // rustls (Codex) and Go's crypto/x509 chain a leaf to its CA by comparing the leaf's issuer
  // with the CA's subject byte for byte. Rebuilt from the string form, a name comes back with
  // other string types (openssl writes UTF8String; the string form gives PrintableString), and
  // those clients call the CA unknown. So the issuer is parsed from the CA's DER, not its text.
  let caSubject: Buffer;
  try {
    caSubject = Buffer.from(certificateNames(ca.rawData).subject);
  } catch {
    throw new LeafCaError('the CA certificate is not a PEM X.509 certificate');
  }
  const issuer = new x509.Name(caSubject);
  // The same for the key identifier: the CA's own SKI if it has one (it need not be the SHA-1 of
  // the key that @peculiar/x509 would compute; OpenSSL refuses an issuer whose SKI differs).
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  const authorityKeyId = ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId, false) : await x509.AuthorityKeyIdentifierExtension.create(ca, false);
  const signer: LeafSigner = { ca, issuer, authorityKeyId, caKey, signAlg, leafKeys, leafKeyPem };
  const probe = await mintLeaf(signer, [KEY_CHECK_HOST]);
  if (!(await probe.verify({ publicKey: ca.publicKey, signatureOnly: true }))) {
    throw new LeafCaError('the CA key does not belong to the CA certificate');
  }
  if (!caSubject.equals(certificateNames(probe.rawData).issuer)) {
    throw new LeafCaError(
      "the CA certificate's subject name cannot be copied byte for byte into the certificates it signs (strict clients such as rustls and Go would reject them); make the CA with PrintableString or UTF8String names",
    );
  }
  return signer;
}

export interface MintLeafOptions {
  /** Default: now. */
  readonly now?: number;
  /** Default {@link LEAF_VALIDITY_MS}; never past the CA's own expiry. */
  readonly validityMs?: number;
}

/**
 * A leaf for `names` (DNS names or IP addresses, the first one also its CN), signed by the CA:
 * SAN, CA:FALSE, digitalSignature, serverAuth, AKI = the CA's own SKI, issuer = the CA's subject
 * DER. rustls (Codex) and Go are strict: a leaf needs a SAN, CA:FALSE and serverAuth.
 */
export async function mintLeaf(signer: LeafSigner, names: readonly [string, ...string[]], options: MintLeafOptions = {}): Promise<x509.X509Certificate> {
  const now = options.now ?? Date.now();
  const notAfter = Math.min(now + (options.validityMs ?? LEAF_VALIDITY_MS), signer.ca.notAfter.getTime());
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  const sans = names.map((name) => (isIP(name) ? { type: 'ip' as const, value: name } : { type: 'dns' as const, value: name }));
  const first = names[0];
  return x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: isIP(first) ? 'CN=OneCLI gateway' : `CN=${first}`,
    issuer: signer.issuer,
    notBefore: new Date(now - LEAF_BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: signer.signAlg,
    publicKey: signer.leafKeys.publicKey,
    signingKey: signer.caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(sans, false),
      signer.authorityKeyId,
      await x509.SubjectKeyIdentifierExtension.create(signer.leafKeys.publicKey, false),
    ],
  });
}
