import { createSecureContext, type SecureContext } from 'node:tls';
import { createLeafSigner, mintLeaf, type LeafSigner } from '../shared/leaf-certificate.js';

/** Re-mint a day before expiry, so a long-lived gateway never serves an expired leaf. */
const REMINT_MARGIN_MS = 24 * 3600_000;
const MAX_CACHED_HOSTS = 2_000;

interface CachedLeaf {
  readonly context: SecureContext;
  readonly renewAt: number;
}

/**
 * A TLS leaf per mapped host, minted by the shared `mintLeaf` (src/shared/leaf-certificate.ts,
 * the same function the doctor's CA trust probe uses). One ECDSA P-256 key pair serves every
 * leaf; each host's `SecureContext` is cached, and concurrent first requests share one mint.
 */
export class LeafCertificates {
  readonly #cache = new Map<string, CachedLeaf>();
  readonly #inflight = new Map<string, Promise<SecureContext>>();

  private constructor(private readonly signer: LeafSigner) {}

  /** Loads the CA (PKCS#8 key, EC or RSA) and proves the key signs for the certificate. */
  static async create(certPem: string, keyPem: string): Promise<LeafCertificates> {
    return new LeafCertificates(await createLeafSigner(certPem, keyPem));
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
    const leaf = mintLeaf(this.signer, [host]);
    const context = createSecureContext({ key: this.signer.leafKeyPem, cert: leaf.pem });
    if (this.#cache.size >= MAX_CACHED_HOSTS) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(host, { context, renewAt: leaf.notAfter.getTime() - REMINT_MARGIN_MS });
    return context;
  }
}
