// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;

const LEAF_VALIDITY_MS = 7 * 24 * 3600_000;
/** Re-mint a day before expiry, so a long-lived gateway never serves an expired leaf. */
const REMINT_MARGIN_MS = 24 * 3600_000;
/** Clients whose clock runs a little behind still accept a fresh leaf. */
const BACKDATE_MS = 3600_000;
const MAX_CACHED_HOSTS = 2_000;

/** The CA's signing algorithm, derived from its key, so EC and RSA CAs both work. */
function signingAlgorithm(ca: x509.X509Certificate): { importAlg: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams; signAlg: webcrypto.EcdsaParams | Algorithm } {
  const alg = ca.publicKey.algorithm as Partial<webcrypto.EcKeyAlgorithm & webcrypto.RsaHashedKeyAlgorithm>;
  if (alg.name === 'ECDSA' && alg.namedCurve) {
    const hash = alg.namedCurve === 'P-384' ? 'SHA-384' : alg.namedCurve === 'P-521' ? 'SHA-512' : 'SHA-256';
    return { importAlg: { name: 'ECDSA', namedCurve: alg.namedCurve }, signAlg: { name: 'ECDSA', hash } };
  }
  if (alg.name === 'RSASSA-PKCS1-v1_5') {
    return { importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signAlg: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  throw new Error(`the CA certificate uses ${alg.name ?? 'an unknown algorithm'}; use an EC (P-256/P-384) or RSA CA`);
}

function pemBody(pem: string, label: string): ArrayBuffer {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  if (!m?.[1]) throw new Error(`expected a PEM "${label}" block`);
  const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
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

interface CachedLeaf {
  readonly context: SecureContext;
  readonly renewAt: number;
}

/**
 * Mints a TLS leaf per mapped host, signed by the local CA. One ECDSA P-256 key pair serves
 * every leaf (a fresh key per host buys nothing here and costs a keygen per first request);
 * each host's `SecureContext` is cached, and concurrent first requests share one mint.
 */
export class LeafCertificates {
  readonly #cache = new Map<string, CachedLeaf>();
  readonly #inflight = new Map<string, Promise<SecureContext>>();

  private constructor(
    private readonly ca: x509.X509Certificate,
    /** The CA's subject, parsed from its own DER: re-serialised, it is those bytes again. */
    private readonly issuer: x509.Name,
    private readonly authorityKeyId: x509.AuthorityKeyIdentifierExtension,
    private readonly caKey: CryptoKey,
    private readonly signAlg: Algorithm,
    private readonly leafKeys: CryptoKeyPair,
    private readonly leafKeyPem: string,
  ) {}

  /** Loads the CA (PKCS#8 key, EC or RSA) and proves the key signs for the certificate. */
  static async create(certPem: string, keyPem: string): Promise<LeafCertificates> {
    let ca: x509.X509Certificate;
    try {
      ca = new x509.X509Certificate(certPem);
    } catch {
      throw new Error('the CA certificate is not a PEM X.509 certificate');
    }
    const { importAlg, signAlg } = signingAlgorithm(ca);
    let caKey: CryptoKey;
    try {
      caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem, 'PRIVATE KEY'), importAlg, false, ['sign']);
    } catch {
      throw new Error('the CA key is not a PKCS#8 PEM private key ("BEGIN PRIVATE KEY") of the same type as the CA certificate');
    }
    const leafKeys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
    const leafKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
    // rustls (Codex) and Go's crypto/x509 chain a leaf to its CA by comparing the leaf's issuer
    // with the CA's subject byte for byte. Rebuilt from the string form, a name comes back with
    // other string types (openssl writes UTF8String; the string form gives PrintableString), and
    // those clients call the CA unknown. So the issuer is parsed from the CA's DER, not its text.
    const caSubject = Buffer.from(certificateNames(ca.rawData).subject);
    const issuer = new x509.Name(caSubject);
    // The same for the key identifier: the CA's own SKI if it has one (it need not be the SHA-1 of
    // the key that @peculiar/x509 would compute; OpenSSL refuses an issuer whose SKI differs).
    const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
    const authorityKeyId = ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId, false) : await x509.AuthorityKeyIdentifierExtension.create(ca, false);
    const certs = new LeafCertificates(ca, issuer, authorityKeyId, caKey, signAlg, leafKeys, leafKeyPem);
    const probe = await certs.#mint('ca-key-check.invalid', Date.now());
    if (!(await probe.verify({ publicKey: ca.publicKey, signatureOnly: true }))) {
      throw new Error('the CA key does not belong to the CA certificate');
    }
    if (!caSubject.equals(certificateNames(probe.rawData).issuer)) {
      throw new Error("the CA certificate's subject name cannot be copied byte for byte into the certificates it signs (strict clients such as rustls and Go would reject them); make the CA with PrintableString or UTF8String names");
    }
    return certs;
  }

  /** The TLS context for a host, minted on first use. */
  contextFor(host: string): SecureContext | Promise<SecureContext> {
    const cached = this.#cache.get(host);
    if (cached && cached.renewAt > Date.now()) return cached.context;
    const pending = this.#inflight.get(host);
    if (pending) return pending;
    const promise = this.#mintContext(host).finally(() => this.#inflight.delete(host));
    this.#inflight.set(host, promise);
    return promise;
  }

  async #mintContext(host: string): Promise<SecureContext> {
    const now = Date.now();
    const leaf = await this.#mint(host, now);
    const context = createSecureContext({ key: this.leafKeyPem, cert: leaf.toString('pem') });
    if (this.#cache.size >= MAX_CACHED_HOSTS) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(host, { context, renewAt: leaf.notAfter.getTime() - REMINT_MARGIN_MS });
    return context;
  }

  async #mint(host: string, now: number): Promise<x509.X509Certificate> {
    const notAfter = Math.min(now + LEAF_VALIDITY_MS, this.ca.notAfter.getTime());
    const serial = randomBytes(16);
    serial[0] = (serial[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
    const san = isIP(host) ? { type: 'ip' as const, value: host } : { type: 'dns' as const, value: host };
    return x509.X509CertificateGenerator.create({
      serialNumber: serial.toString('hex'),
      subject: isIP(host) ? 'CN=OneCLI gateway' : `CN=${host}`,
      issuer: this.issuer,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(notAfter),
      signingAlgorithm: this.signAlg,
      publicKey: this.leafKeys.publicKey,
      signingKey: this.caKey,
      extensions: [
        // rustls (Codex) and Go are strict: a leaf needs a SAN, CA:FALSE and serverAuth.
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension([san], false),
        this.authorityKeyId,
        await x509.SubjectKeyIdentifierExtension.create(this.leafKeys.publicKey, false),
      ],
    });
  }
}
