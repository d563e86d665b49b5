import { createLeafSigner, LeafCaError, mintLeaf } from '../../shared/leaf-certificate.js';

/** The throwaway server lives for seconds; an hour is plenty (mintLeaf backdates for a clock that runs behind). */
const PROBE_LEAF_VALIDITY_MS = 3600_000;

/** The names the probe's leaf answers for: a client may be pointed at either. */
export const PROBE_LEAF_DNS_NAME = 'localhost';
export const PROBE_LEAF_IP = '127.0.0.1';

export interface ProbeLeaf {
  readonly certPem: string;
  /** PKCS#8 PEM of the leaf's own throwaway key (never the CA's). */
  readonly keyPem: string;
}

/** Why no leaf could be minted. The message is ours, never a parser's: it cannot echo key material. */
export const ProbeLeafError = LeafCaError;

/**
 * A leaf for `localhost` and 127.0.0.1, minted by the gateway's own `mintLeaf`
 * (src/shared/leaf-certificate.ts): the same issuer bytes, AKI and extensions, so a client that
 * accepts this one accepts the gateway's too, strict ones (rustls, Go) included.
 */
export async function mintProbeLeaf(caCertPem: string, caKeyPem: string, now: number = Date.now()): Promise<ProbeLeaf> {
  const signer = await createLeafSigner(caCertPem, caKeyPem);
  const leaf = mintLeaf(signer, [PROBE_LEAF_DNS_NAME, PROBE_LEAF_IP], { now, validityMs: PROBE_LEAF_VALIDITY_MS });
  return { certPem: leaf.pem, keyPem: signer.leafKeyPem };
}
