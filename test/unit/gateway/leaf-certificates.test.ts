import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, test } from 'vitest';
import { certificateNames } from '../../../src/shared/leaf-certificate.js';
import { makeCa, makeOpensslCa, type CaPem, type OpensslCaOptions } from '../../support/pki.js';
import { servedLeaf } from '../../support/served-leaf.js';

const leafFor = (ca: CaPem, host = 'api.example.test') => servedLeaf(ca, host);

/** A DER string value: tag, one-byte length, bytes. */
const derString = (tag: number, value: Buffer) => Buffer.concat([Buffer.from([tag, value.length]), value]);
const UTF8 = 0x0c;
const PRINTABLE = 0x13;
const T61 = 0x14;
const IA5 = 0x16;
const BMP = 0x1e;

const cases: { name: string; ca: OpensslCaOptions; expect: Buffer[] }[] = [
  {
    name: 'UTF8String names (openssl default)',
    ca: { subject: '/C=DE/O=Acme Corp/CN=Acme Root CA' },
    expect: [derString(PRINTABLE, Buffer.from('DE')), derString(UTF8, Buffer.from('Acme Corp')), derString(UTF8, Buffer.from('Acme Root CA'))],
  },
  {
    name: 'PrintableString names',
    ca: { subject: '/C=DE/O=Acme Corp/CN=Acme Root CA', stringMask: 'default' },
    expect: [derString(PRINTABLE, Buffer.from('Acme Corp')), derString(PRINTABLE, Buffer.from('Acme Root CA'))],
  },
  {
    name: 'a multi-valued RDN and non-ASCII UTF8String values, RSA',
    ca: { subject: '/C=DE/O=Müller GmbH+OU=Zürich Ops/CN=Grüße CA', kind: 'rsa' },
    expect: [derString(UTF8, Buffer.from('Müller GmbH')), derString(UTF8, Buffer.from('Zürich Ops')), derString(UTF8, Buffer.from('Grüße CA'))],
  },
  {
    name: 'BMPString names',
    ca: { subject: '/O=Grüße €/CN=Bmp Root', stringMask: 'MASK:0x800' },
    expect: [derString(BMP, Buffer.from('Grüße €', 'utf16le').swap16())],
  },
  {
    name: 'T61String with 8-bit bytes',
    ca: { subject: '/O=Ünï/CN=Old Root', stringMask: 'nombstr' },
    expect: [derString(T61, Buffer.from('Ünï', 'latin1'))],
  },
  {
    name: 'domainComponent and emailAddress (IA5String)',
    ca: { subject: '/DC=com/DC=example/CN=Corp Root/emailAddress=pki@example.com' },
    expect: [derString(IA5, Buffer.from('example')), derString(IA5, Buffer.from('pki@example.com'))],
  },
];

describe("a minted leaf's issuer is the CA's subject, byte for byte", () => {
  test.each(cases)('openssl-made CA: $name', async ({ ca: opts, expect: encodings }) => {
    const ca = await makeOpensslCa(opts);
    const caNames = certificateNames(ca.cert.rawData);
    const caSubject = Buffer.from(caNames.subject);
    // The CA really is encoded the way this case is about.
    for (const encoding of encodings) expect(caSubject.includes(encoding), encoding.toString('hex')).toBe(true);
    expect(Buffer.from(caNames.issuer).equals(caSubject)).toBe(true); // self-signed

    const leaf = await leafFor(ca);
    const leafIssuer = Buffer.from(certificateNames(leaf).issuer);
    expect(leafIssuer.toString('hex')).toBe(caSubject.toString('hex'));
    expect(new X509Certificate(leaf).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  test('the string form would not do: it re-encodes UTF8String as PrintableString', async () => {
    const ca = await makeOpensslCa(cases[0]!.ca);
    const reEncoded = Buffer.from(new x509.Name(ca.cert.subject).toArrayBuffer());
    expect(reEncoded.equals(Buffer.from(certificateNames(ca.cert.rawData).subject))).toBe(false);
  });

  test("a CA made by @peculiar/x509 (the launcher's own) still chains", async () => {
    const ca = await makeCa('OneCLI Test Local CA');
    const leaf = await leafFor(ca);
    expect(Buffer.from(certificateNames(leaf).issuer).equals(Buffer.from(certificateNames(ca.cert.rawData).subject))).toBe(true);
  });
});

describe("a minted leaf's authority key identifier", () => {
  const akiOf = (der: Buffer) => new x509.X509Certificate(der).getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;

  test("is the CA's own SKI when that is not the SHA-1 of its key", async () => {
    const ca = await makeOpensslCa({ subject: '/CN=Odd SKI Root', subjectKeyIdentifier: '0123456789abcdef0123' });
    expect(ca.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toBe('0123456789abcdef0123');
    expect(akiOf(await leafFor(ca))).toBe('0123456789abcdef0123');
  });

  test('is computed from the key when the CA has no SKI', async () => {
    const ca = await makeOpensslCa({ subject: '/CN=No SKI Root', subjectKeyIdentifier: 'none' });
    expect(ca.cert.getExtension(x509.SubjectKeyIdentifierExtension)).toBeNull();
    expect(akiOf(await leafFor(ca))).toBe(Buffer.from(await ca.cert.publicKey.getKeyIdentifier()).toString('hex'));
  });
});

describe('certificateNames', () => {
  test('refuses what is not a certificate', () => {
    expect(() => certificateNames(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).toThrow();
    expect(() => certificateNames(new Uint8Array([0x30, 0x02, 0x05, 0x00]))).toThrow('not a certificate');
    expect(() => certificateNames(new Uint8Array([]))).toThrow();
  });
});
