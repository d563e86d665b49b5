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
    const certs = new LeafCertificates(ca, caKey, signAlg, leafKeys, leafKeyPem);
    const probe = await certs.#mint('ca-key-check.invalid', Date.now());
    if (!(await probe.verify({ publicKey: ca.publicKey, signatureOnly: true }))) {
      throw new Error('the CA key does not belong to the CA certificate');
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
      issuer: this.ca.subject,
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
        await x509.AuthorityKeyIdentifierExtension.create(this.ca, false),
        await x509.SubjectKeyIdentifierExtension.create(this.leafKeys.publicKey, false),
      ],
    });
  }
}
