import { X509Certificate } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { loadOrCreateCa, CA_KEY_SECRET } from '../../../src/core/ca/ca-manager.js';
import { combinedBundle, systemRootsPem } from '../../../src/core/ca/ca-files.js';
import { createLocalCa, describeCa, isUsableCa } from '../../../src/core/ca/local-ca.js';

function fakes() {
  const secrets = new Map<string, string>();
  const files = new Map<string, { data: string; mode: number }>();
  return {
    secrets,
    files,
    deps: {
      dataDir: '/data',
      secrets: { get: async (n: string) => secrets.get(n), set: async (n: string, v: string) => void secrets.set(n, v) },
      readFile: (f: string) => files.get(f)?.data,
      writeFileAtomic: async (f: string, data: string, mode: number) => void files.set(f, { data, mode }),
      systemRoots: () => '-----BEGIN CERTIFICATE-----\nROOTS\n-----END CERTIFICATE-----\n',
    },
  };
}

describe('local CA', () => {
  test('a new CA is an ECDSA P-256 CA, pathlen 0, valid for about 825 days, and its key signs for it', async () => {
    const ca = await createLocalCa(new Date('2026-11-25T00:00:00Z'));
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toMatch(/CN=OneCLI Local CA/);
    expect(new Date(cert.validTo).getTime() - new Date('2026-11-25T00:00:00Z').getTime()).toBeGreaterThan(820 * 86_400_000);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await isUsableCa(ca, new Date('2026-11-25T00:00:00Z'))).toBe(true);
    expect(describeCa(ca.certPem).sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test("a CA is unusable near expiry or with another CA's key", async () => {
    const [a, b] = await Promise.all([createLocalCa(), createLocalCa()]);
    expect(await isUsableCa({ certPem: a.certPem, keyPem: b.keyPem })).toBe(false);
    expect(await isUsableCa(a, new Date(Date.now() + 800 * 86_400_000))).toBe(false);
    expect(await isUsableCa({ certPem: 'junk', keyPem: a.keyPem })).toBe(false);
    expect(await isUsableCa({ certPem: a.certPem, keyPem: 'junk' })).toBe(false);
  });

  test('a certificate that is not a CA is unusable, even with its own key', async () => {
    const { createLeafSigner, mintLeaf } = await import('../../../src/shared/leaf-certificate.js');
    const ca = await createLocalCa();
    const leafSigner = await createLeafSigner(ca.certPem, ca.keyPem);
    const leaf = mintLeaf(leafSigner, ['h.test']);
    expect(await isUsableCa({ certPem: leaf.pem, keyPem: leafSigner.leafKeyPem })).toBe(false);
  });

  test('first start creates it: key in the secret store, cert and combined bundle on disk', async () => {
    const f = fakes();
    const state = await loadOrCreateCa(f.deps);
    expect(state.created).toBe(true);
    expect(f.secrets.get(CA_KEY_SECRET)).toBe(state.ca.keyPem);
    expect(f.files.get('/data/ca.pem')).toEqual({ data: state.ca.certPem, mode: 0o644 });
    const bundle = f.files.get('/data/ca-bundle.pem')!.data;
    expect(bundle.startsWith('-----BEGIN CERTIFICATE-----\nROOTS')).toBe(true);
    expect(bundle.endsWith(state.ca.certPem)).toBe(true);
    expect([...f.files.values()].some((v) => v.data.includes('PRIVATE KEY'))).toBe(false);
  });

  test('later starts reuse it; rotation replaces it at the same paths', async () => {
    const f = fakes();
    const first = await loadOrCreateCa(f.deps);
    const again = await loadOrCreateCa(f.deps);
    expect(again.created).toBe(false);
    expect(again.ca.certPem).toBe(first.ca.certPem);
    const rotated = await loadOrCreateCa(f.deps, { rotate: true });
    expect(rotated.created).toBe(true);
    expect(rotated.ca.certPem).not.toBe(first.ca.certPem);
    expect(f.files.get('/data/ca.pem')?.data).toBe(rotated.ca.certPem);
  });

  test('a lost key means a new CA, not a broken one', async () => {
    const f = fakes();
    await loadOrCreateCa(f.deps);
    f.secrets.clear();
    expect((await loadOrCreateCa(f.deps)).created).toBe(true);
  });
});

test("system roots: the distribution bundle when there is one, else Node's", () => {
  const only = (wanted: string) => (file: string) => {
    if (file !== wanted) throw new Error('ENOENT');
    return '-----BEGIN CERTIFICATE-----\nX';
  };
  expect(systemRootsPem(only('/etc/ssl/cert.pem'))).toBe('-----BEGIN CERTIFICATE-----\nX\n');
  expect(
    systemRootsPem(() => {
      throw new Error('ENOENT');
    }),
  ).toMatch(/BEGIN CERTIFICATE/);
  expect(combinedBundle('R\n', 'C')).toBe('R\n\n# OneCLI Local CA (added by onecli-launcher)\nC');
});
