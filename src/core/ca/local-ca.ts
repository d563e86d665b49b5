import { createPrivateKey, X509Certificate, webcrypto } from 'node:crypto';
import { hostname } from 'node:os';
import type { X509Key } from './x509.js';

/** Long enough not to nag, short enough that a leaked key ages out; rotation is one command. */
const CA_VALIDITY_DAYS = 825;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface LocalCaPem {
  readonly certPem: string;
  /** PKCS#8 PEM. Lives in the keychain and in the gateway's memory, nowhere else. */
  readonly keyPem: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

/** A fresh ECDSA P-256 CA: about a millisecond to sign a leaf with, and accepted by every client we know. */
export async function createLocalCa(now: Date = new Date()): Promise<LocalCaPem> {
  // Loaded only here (first run, rotation): ~11 MiB that a running launcher otherwise never needs.
  const { x509 } = await import('./x509.js');
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=OneCLI Local CA (${
      hostname()
        .replace(/[,=+<>#;"\\]/g, '')
        .slice(0, 40) || 'this machine'
    }), O=OneCLI`,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * 86_400_000),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys: keys as unknown as { publicKey: X509Key; privateKey: X509Key },
    extensions: [
      // pathLen 0: this CA signs leaves only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as X509Key),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') };
}

/** True when the certificate parses, is a CA, is valid for at least `marginDays`, and its P-256 key is this one. */
export async function isUsableCa(ca: LocalCaPem, now: Date = new Date(), marginDays = 30): Promise<boolean> {
  try {
    const cert = new X509Certificate(ca.certPem);
    if (!cert.ca || new Date(cert.validTo).getTime() - now.getTime() < marginDays * 86_400_000) return false;
    const key = createPrivateKey({ key: ca.keyPem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** What status and doctor show about the CA: never the key. */
export function describeCa(certPem: string): { subject: string; notAfter: string; sha256: string } {
  const cert = new X509Certificate(certPem);
  return { subject: cert.subject.replace(/\n/g, ', '), notAfter: new Date(cert.validTo).toISOString(), sha256: cert.fingerprint256 };
}
