import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { mintProbeLeaf } from '../../../src/core/doctor/probe-leaf-certificate.js';
import { LeafCertificates } from '../../../src/gateway/leaf-certificates.js';
import { certificateNames, createLeafSigner, LeafCaError, mintLeaf } from '../../../src/shared/leaf-certificate.js';
import { x509 } from '../../../src/shared/x509.js';
import { makeCa, makeOpensslCa, type CaPem } from '../../support/pki.js';
import { servedLeaf } from '../../support/served-leaf.js';

// Every caller outside the module goes through this spy: it shows who mints with which names.
vi.mock('../../../src/shared/leaf-certificate.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/shared/leaf-certificate.js')>();
  return { ...original, mintLeaf: vi.fn(original.mintLeaf) };
});

afterEach(() => vi.mocked(mintLeaf).mockClear());

const gatewayLeaf = servedLeaf;

const SKI_OID = '2.5.29.14';
const SAN_OID = '2.5.29.17';

/** Everything about a leaf that decides whether a client accepts it, minus what is per leaf (serial, key, dates, SAN). */
function shape(der: Buffer) {
  const cert = new x509.X509Certificate(der);
  return {
    issuer: Buffer.from(certificateNames(der).issuer).toString('hex'),
    signatureAlgorithm: cert.signatureAlgorithm,
    publicKey: cert.publicKey.algorithm,
    extensions: cert.extensions.map((e) => ({
      type: e.type,
      critical: e.critical,
      // The SKI is the leaf key's own (each signer makes one) and the SAN names the host: compared apart.
      value: e.type === SKI_OID || e.type === SAN_OID ? 'per leaf' : Buffer.from(e.value).toString('hex'),
    })),
  };
}

const sans = (der: Buffer) => new x509.X509Certificate(der).getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON();

describe("the doctor's probe leaf is the gateway's leaf: one mintLeaf, the same fields", () => {
  test.each<[string, () => Promise<CaPem>]>([
    ["the launcher's own CA (@peculiar/x509, EC)", () => makeCa('OneCLI Test Local CA')],
    [
      'an openssl RSA CA with UTF8String names and an SKI that is not the SHA-1 of its key',
      () => makeOpensslCa({ subject: '/O=Müller GmbH/CN=Odd Root', subjectKeyIdentifier: '0123456789abcdef0123', kind: 'rsa' }),
    ],
  ])('%s', async (_name, makeTheCa) => {
    const ca = await makeTheCa();
    const gateway = await gatewayLeaf(ca, 'localhost');
    const probe = await mintProbeLeaf(ca.certPem, ca.keyPem);
    const probeDer = Buffer.from(new X509Certificate(probe.certPem).raw);

    expect(vi.mocked(mintLeaf).mock.calls.map((call) => call[1])).toEqual([['localhost'], ['localhost', '127.0.0.1']]);
    expect(shape(probeDer)).toEqual(shape(gateway));
    expect(shape(gateway).issuer).toBe(Buffer.from(certificateNames(ca.cert.rawData).subject).toString('hex'));
    const ski = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    for (const der of [gateway, probeDer]) {
      const leaf = new x509.X509Certificate(der);
      expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ski);
      expect(leaf.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: false, critical: true });
      expect(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.serverAuth]);
      expect(new X509Certificate(der).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    }
    expect(sans(gateway)).toEqual([{ type: 'dns', value: 'localhost' }]);
    expect(sans(probeDer)).toEqual([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ]);
  });
});

describe('mintLeaf', () => {
  test('an IP gets an IP SAN and a generic CN; validity never outlives the CA', async () => {
    const ca = await makeCa('OneCLI Test Local CA');
    const signer = await createLeafSigner(ca.certPem, ca.keyPem);
    const now = Date.now();
    const minted = mintLeaf(signer, ['127.0.0.1'], { now, validityMs: 365 * 86400_000 });
    // Read back by an independent parser (@peculiar/x509, a test-only dependency of this check).
    const leaf = new x509.X509Certificate(minted.der);
    expect(leaf.subject).toBe('CN=OneCLI gateway');
    expect(leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([{ type: 'ip', value: '127.0.0.1' }]);
    expect(leaf.notAfter.getTime()).toBe(Math.floor(ca.cert.notAfter.getTime() / 1000) * 1000);
    expect(minted.notAfter.getTime()).toBe(leaf.notAfter.getTime());
    expect(leaf.notBefore.getTime()).toBeLessThan(now);
    expect(new X509Certificate(minted.pem).raw.equals(minted.der)).toBe(true);
  });

  test('IPv6 SANs, several names, and every field a strict client checks, as an independent parser reads them', async () => {
    const ca = await makeCa('OneCLI Test Local CA');
    const signer = await createLeafSigner(ca.certPem, ca.keyPem);
    const names = ['api.example.test', '::1', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1', '10.1.2.3'] as const;
    const leaf = new x509.X509Certificate(mintLeaf(signer, [...names]).der);
    expect(leaf.subject).toBe('CN=api.example.test');
    expect(leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'dns', value: 'api.example.test' },
      { type: 'ip', value: '::1' },
      { type: 'ip', value: '2001:db8::8a2e:370:7334' },
      // An IPv4-mapped address is its 16 bytes; parsers print it in their own form.
      { type: 'ip', value: expect.stringMatching(/^(::ffff:192\.0\.2\.1|::ffff:c000:201)$/) as unknown as string },
      { type: 'ip', value: '10.1.2.3' },
    ]);
    expect(leaf.getExtension(x509.KeyUsagesExtension)).toMatchObject({ usages: x509.KeyUsageFlags.digitalSignature, critical: true });
    expect(leaf.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: false, critical: true });
    expect(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.serverAuth]);
    const ski = leaf.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(ski).toBe((await x509.SubjectKeyIdentifierExtension.create(leaf.publicKey)).keyId);
    expect(leaf.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(await leaf.verify({ publicKey: ca.cert.publicKey, signatureOnly: true })).toBe(true);
    expect(BigInt(`0x${leaf.serialNumber}`) > 0n).toBe(true);
  });

  test('a name that is not an ASCII host name or an IP address is refused, never written mangled', async () => {
    const ca = await makeCa('OneCLI Test Local CA');
    const signer = await createLeafSigner(ca.certPem, ca.keyPem);
    for (const bad of ['bücher.example', 'a b.example', 'evil.example\u0000.good', '', 'x'.repeat(254)])
      expect(() => mintLeaf(signer, [bad]), JSON.stringify(bad)).toThrow(/ASCII host names/);
    expect(new x509.X509Certificate(mintLeaf(signer, ['xn--bcher-kva.example']).der).subject).toBe('CN=xn--bcher-kva.example');
    // Node's isIP calls these IPv6; a certificate cannot name a zone, so they are refused, not truncated.
    expect(() => mintLeaf(signer, ['fe80::1%eth0'])).toThrow(/not an IPv6 address a certificate can name/);
    const ipOf = (name: string) =>
      new x509.X509Certificate(mintLeaf(signer, [name]).der).getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()[0]?.value;
    expect(ipOf('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(ipOf('1::')).toBe('1::');
    // The SAN's iPAddress holds exactly the 16 bytes ([7] IMPLICIT OCTET STRING).
    const mixed = mintLeaf(signer, ['1:2:3:4:5:6:1.2.3.4']).der;
    expect(mixed.includes(Buffer.from('8710000100020003000400050006' + '01020304', 'hex'))).toBe(true);
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1:::2', '1::2::3', '12345::', '::1.2.3', '1:2:3:4:5:6:7::8:9'])
      expect(() => mintLeaf(signer, [bad]), bad).toThrow();
  });

  test('a CA without an SKI: the AKI is the SHA-1 of its key, as OpenSSL and @peculiar/x509 compute it', async () => {
    const ca = await makeOpensslCa({ subject: '/CN=No SKI Root', subjectKeyIdentifier: 'none' });
    expect(ca.cert.getExtension(x509.SubjectKeyIdentifierExtension)).toBeNull();
    const leaf = new x509.X509Certificate(mintLeaf(await createLeafSigner(ca.certPem, ca.keyPem), ['h.test']).der);
    const expected = await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false);
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(expected.keyId);
  });

  test('dates from 2050 on are GeneralizedTime (RFC 5280 §4.1.2.5), and still read back right', async () => {
    const ca = await makeOpensslCa({ subject: '/CN=Long Root', days: 40 * 365 });
    const signer = await createLeafSigner(ca.certPem, ca.keyPem);
    const now = Date.UTC(2049, 11, 31, 12, 0, 0);
    const minted = mintLeaf(signer, ['h.test'], { now, validityMs: 2 * 86400_000 });
    const leaf = new x509.X509Certificate(minted.der);
    expect(leaf.notBefore.toISOString()).toBe('2049-12-31T11:00:00.000Z');
    expect(leaf.notAfter.toISOString()).toBe('2050-01-02T12:00:00.000Z');
    expect(minted.der.includes(Buffer.from('20500102120000Z'))).toBe(true);
    expect(minted.der.includes(Buffer.from('491231110000Z'))).toBe(true);
  });

  test('a CA that cannot sign says so in our words, for the gateway and the doctor alike', async () => {
    const ca = await makeCa('OneCLI Test Local CA');
    const other = await makeCa('Another CA');
    await expect(createLeafSigner(ca.certPem, other.keyPem)).rejects.toThrow(new LeafCaError('the CA key does not belong to the CA certificate'));
    await expect(LeafCertificates.create(ca.certPem, other.keyPem)).rejects.toThrow('the CA key does not belong to the CA certificate');
    await expect(mintProbeLeaf(ca.certPem, other.keyPem)).rejects.toBeInstanceOf(LeafCaError);
    await expect(mintProbeLeaf('not a certificate', ca.keyPem)).rejects.toThrow('the CA certificate is not a PEM X.509 certificate');
    await expect(mintProbeLeaf(ca.certPem, 'not a key')).rejects.toThrow(/the CA key is not a PKCS#8 PEM private key/);
  });
});
