import { randomBytes, webcrypto } from 'node:crypto';
import { x509 } from '../ca/x509.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The throwaway server lives for seconds; an hour is plenty, and backdating covers a clock that runs behind. */
const PROBE_LEAF_VALIDITY_MS = 3600_000;
const BACKDATE_MS = 5 * 60_000;

/** The names the probe's leaf answers for: a client may be pointed at either. */
export const PROBE_LEAF_DNS_NAME = 'localhost';
export const PROBE_LEAF_IP = '127.0.0.1';

export interface ProbeLeaf {
  readonly certPem: string;
  /** PKCS#8 PEM of the leaf's own throwaway key (never the CA's). */
  readonly keyPem: string;
}

/** Why no leaf could be minted. The message is ours, never a parser's: it cannot echo key material. */
export class ProbeLeafError extends Error {}

function pemBody(pem: string, label: string): ArrayBuffer | undefined {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  if (!m?.[1]) return undefined;
  const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

function toPem(der: ArrayBuffer, label: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

/** Import and signing parameters that follow the CA's own key: the local CA is P-256, an imported one may be RSA. */
function algorithmsFor(ca: x509.X509Certificate): { importAlg: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams; signAlg: webcrypto.EcdsaParams | webcrypto.Algorithm } {
  const alg = ca.publicKey.algorithm as Partial<webcrypto.EcKeyAlgorithm>;
  if (alg.name === 'ECDSA' && alg.namedCurve) {
    const hash = alg.namedCurve === 'P-384' ? 'SHA-384' : alg.namedCurve === 'P-521' ? 'SHA-512' : 'SHA-256';
    return { importAlg: { name: 'ECDSA', namedCurve: alg.namedCurve }, signAlg: { name: 'ECDSA', hash } };
  }
  if (alg.name === 'RSASSA-PKCS1-v1_5') {
    return { importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signAlg: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  throw new ProbeLeafError(`the CA certificate uses ${alg.name ?? 'an unknown key type'}; expected EC or RSA`);
}

/**
 * A leaf for `localhost` and 127.0.0.1, signed by the given CA, shaped like the gateway's
 * (SAN, CA:FALSE, digitalSignature, serverAuth, AKI/SKI), so a client that accepts this one
 * accepts the gateway's too, strict ones (rustls, Go) included.
 */
export async function mintProbeLeaf(caCertPem: string, caKeyPem: string, now: number = Date.now()): Promise<ProbeLeaf> {
  let ca: x509.X509Certificate;
  try {
    ca = new x509.X509Certificate(caCertPem);
  } catch {
    throw new ProbeLeafError('the CA certificate is not a PEM X.509 certificate');
  }
  const { importAlg, signAlg } = algorithmsFor(ca);
  const keyDer = pemBody(caKeyPem, 'PRIVATE KEY');
  if (!keyDer) throw new ProbeLeafError('the CA key is not a PKCS#8 PEM private key');
  let caKey: CryptoKey;
  try {
    caKey = await webcrypto.subtle.importKey('pkcs8', keyDer, importAlg, false, ['sign']);
  } catch {
    throw new ProbeLeafError('the CA key is not a PKCS#8 private key of the same type as the CA certificate');
  }
  const leafKeys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: `CN=${PROBE_LEAF_DNS_NAME}, O=OneCLI doctor probe`,
    issuer: ca.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(Math.min(now + PROBE_LEAF_VALIDITY_MS, ca.notAfter.getTime())),
    signingAlgorithm: signAlg,
    publicKey: leafKeys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        [
          { type: 'dns', value: PROBE_LEAF_DNS_NAME },
          { type: 'ip', value: PROBE_LEAF_IP },
        ],
        false,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false),
    ],
  });
  // A key that is not the certificate's would make every client "reject" the CA: say what is really wrong.
  if (!(await leaf.verify({ publicKey: ca.publicKey, signatureOnly: true }))) {
    throw new ProbeLeafError('the CA key does not belong to the CA certificate');
  }
  return { certPem: leaf.toString('pem'), keyPem: toPem(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY') };
}
