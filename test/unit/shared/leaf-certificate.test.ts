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
    const leaf = await mintLeaf(signer, ['127.0.0.1'], { now, validityMs: 365 * 86400_000 });
    expect(leaf.subject).toBe('CN=OneCLI gateway');
    expect(leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([{ type: 'ip', value: '127.0.0.1' }]);
    expect(leaf.notAfter.getTime()).toBe(Math.floor(ca.cert.notAfter.getTime() / 1000) * 1000);
    expect(leaf.notBefore.getTime()).toBeLessThan(now);
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
