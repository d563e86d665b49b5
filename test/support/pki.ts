import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

// @peculiar/x509's typings name the DOM WebCrypto types; Node's are the same objects.
type DomKey = Parameters<typeof x509.SubjectKeyIdentifierExtension.create>[0];

export interface Pem {
  certPem: string;
  keyPem: string;
}
export interface CaPem extends Pem {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  signAlg: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

/** A throwaway CA made per test run: no key material is committed. */
export async function makeCa(name: string, kind: 'ec' | 'rsa' = 'ec'): Promise<CaPem> {
  const keys = (await webcrypto.subtle.generateKey(kind === 'ec' ? EC : RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const signAlg = kind === 'ec' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 30 * 86400_000),
    signingAlgorithm: signAlg,
    keys: keys as unknown as { publicKey: DomKey; privateKey: DomKey },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as DomKey),
    ],
  });
  return { cert, keys, signAlg, certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
}

/** A server certificate for the given DNS names / IPs, signed by `ca`. */
export async function makeServerCert(ca: CaPem, names: readonly string[]): Promise<Pem> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Date.now().toString(16),
    subject: `CN=${names[0]}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 30 * 86400_000),
    signingAlgorithm: ca.signAlg,
    publicKey: keys.publicKey as unknown as DomKey,
    signingKey: ca.keys.privateKey as unknown as DomKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
}
