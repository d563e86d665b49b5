import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
      ),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
}

export interface OpensslCaOptions {
  /** `-subj` syntax, e.g. `/C=DE/O=Acme/CN=Acme Root`; `+` joins attributes into one RDN. */
  subject: string;
  kind?: 'ec' | 'rsa';
  /**
   * openssl's `string_mask`: `utf8only` (its default: UTF8String), `default` (PrintableString
   * where it can), `MASK:0x800` (BMPString), `nombstr` (T61String for 8-bit values).
   */
  stringMask?: string;
  /** `subjectKeyIdentifier` as openssl's config takes it: `hash` (default), `none`, or hex. */
  subjectKeyIdentifier?: string;
  /** Validity in days (default 30). */
  days?: number;
}

/**
 * A throwaway CA made by the `openssl` CLI, as a user who brings their own CA would: openssl
 * encodes names its own way (UTF8String by default), unlike @peculiar/x509.
 */
export async function makeOpensslCa(opts: OpensslCaOptions): Promise<CaPem> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-openssl-ca-'));
  try {
    const conf = path.join(dir, 'openssl.cnf');
    writeFileSync(
      conf,
      [
        '[req]',
        'distinguished_name = dn',
        'x509_extensions = v3_ca',
        `string_mask = ${opts.stringMask ?? 'utf8only'}`,
        '[dn]',
        '[v3_ca]',
        'basicConstraints = critical,CA:TRUE',
        'keyUsage = critical,keyCertSign,cRLSign',
        `subjectKeyIdentifier = ${opts.subjectKeyIdentifier ?? 'hash'}`,
        '',
      ].join('\n'),
    );
    const kind = opts.kind ?? 'ec';
    const keyArgs = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
    const certFile = path.join(dir, 'ca.pem');
    const keyFile = path.join(dir, 'ca-key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-config',
        conf,
        '-x509',
        ...keyArgs,
        '-nodes',
        '-utf8',
        '-multivalue-rdn',
        '-days',
        String(opts.days ?? 30),
        '-subj',
        opts.subject,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const certPem = readFileSync(certFile, 'utf8');
    const keyPem = readFileSync(keyFile, 'utf8');
    const cert = new x509.X509Certificate(certPem);
    const signAlg = kind === 'ec' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
    const importAlg = kind === 'ec' ? EC : { name: RSA.name, hash: RSA.hash };
    const der = Buffer.from(keyPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    const privateKey = await webcrypto.subtle.importKey('pkcs8', der, importAlg, true, ['sign']);
    const publicKey = (await cert.publicKey.export(importAlg, ['verify'])) as unknown as webcrypto.CryptoKey;
    return { cert, keys: { privateKey, publicKey }, signAlg, certPem, keyPem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
