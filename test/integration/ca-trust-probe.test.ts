// The CA trust probe against real clients: node, curl and python3 fetch from a real loopback
// TLS server whose leaf a fresh local CA signed, with real ca.pem / ca-bundle.pem files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { combinedBundle, systemRootsPem } from '../../src/core/ca/ca-files.js';
import { createLocalCa, type LocalCaPem } from '../../src/core/ca/local-ca.js';
import { CA_TRUST_CHECK_IDS, probeCaTrust } from '../../src/core/doctor/ca-trust-probe.js';
import { DoctorCheck } from '../../src/shared/control-api.js';

let dir: string;
let ca: LocalCaPem;
let otherCa: LocalCaPem;
let caFile: string;
let bundleFile: string;
let rootsOnlyFile: string;
let otherCaFile: string;
let onlyOursFile: string;
/** A folder with nothing in it: a PATH on which no client can be found. */
let emptyBin: string;

/** The test's own PATH and HOME, as an agent's shell would have them (HOME for pyenv and the like). */
const machineEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

function runs(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

function byId(checks: DoctorCheck[]): Record<string, DoctorCheck> {
  // The wire contract: a check that is not ok without a fix does not parse.
  for (const c of checks) expect(DoctorCheck.safeParse(c).success, `${c.id} (${c.status}) must say what to do`).toBe(true);
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

/** Pieces of a PEM key's base64 past its ASN.1 header (which every P-256 key shares): these must never reach a detail or fix. */
function keyMaterial(keyPem: string): string[] {
  const body = keyPem.replace(/-----[A-Z ]+-----|\s+/g, '');
  return [body.slice(48, 80), body.slice(-32)];
}

function expectNoKey(checks: DoctorCheck[], keyPem: string) {
  const text = JSON.stringify(checks);
  expect(text).not.toContain('PRIVATE KEY');
  for (const piece of keyMaterial(keyPem)) expect(text).not.toContain(piece);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-ca-trust-'));
  [ca, otherCa] = await Promise.all([createLocalCa(), createLocalCa()]);
  const roots = systemRootsPem();
  caFile = path.join(dir, 'ca.pem');
  bundleFile = path.join(dir, 'ca-bundle.pem');
  rootsOnlyFile = path.join(dir, 'roots-only.pem');
  otherCaFile = path.join(dir, 'other-ca.pem');
  onlyOursFile = path.join(dir, 'only-ours.pem');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(bundleFile, combinedBundle(roots, ca.certPem));
  writeFileSync(rootsOnlyFile, roots);
  writeFileSync(otherCaFile, otherCa.certPem);
  writeFileSync(onlyOursFile, ca.certPem);
  emptyBin = path.join(dir, 'empty-bin');
  mkdirSync(emptyBin);
});

// CI installs these; a machine without them must not pass by skipping.
describe('the clients the probe runs are installed', () => {
  test('curl', () => {
    expect(runs('curl', ['--version']), 'curl is not installed: apt-get install curl (Debian package "curl")').toBe(true);
  });
  test('python3 with requests', () => {
    expect(runs('python3', ['--version']), 'python3 is not installed: apt-get install python3 python3-requests').toBe(true);
    expect(
      runs('python3', ['-c', 'import requests']),
      'python3 cannot import requests: apt-get install python3-requests (Debian package "python3-requests")',
    ).toBe(true);
  });
});

describe('probeCaTrust with real clients', () => {
  test('a fresh CA in ca.pem and the combined bundle: node, curl and python (requests) all trust it', async () => {
    const serversBefore = process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const started = Date.now();
    const checks = await probeCaTrust({ ...ca, caFile, bundleFile }, { env: machineEnv });
    const elapsed = Date.now() - started;
    const c = byId(checks);

    expect(checks.map((x) => x.id)).toEqual([CA_TRUST_CHECK_IDS.node, CA_TRUST_CHECK_IDS.curl, CA_TRUST_CHECK_IDS.python, CA_TRUST_CHECK_IDS.bundle]);
    expect(checks.map((x) => [x.id, x.status])).toEqual(checks.map((x) => [x.id, 'ok']));
    expect(c['ca.trusted.node']?.detail).toContain(`NODE_EXTRA_CA_CERTS=${caFile}`);
    expect(c['ca.trusted.curl']?.detail).toContain(`CURL_CA_BUNDLE=${bundleFile}`);
    expect(c['ca.trusted.python']?.detail).toMatch(/with requests \d/);
    expect(c['ca.trusted.python']?.detail).toContain(`REQUESTS_CA_BUNDLE=${bundleFile}`);
    expect(c['ca.bundle.roots']?.detail).toMatch(/holds \d{2,} other certificate\(s\) and the local CA/);
    expect(checks.every((x) => x.fix === undefined)).toBe(true);
    expectNoKey(checks, ca.keyPem);
    // The throwaway server is closed once the probe returns (libuv drops the handle a tick later).
    await expect.poll(() => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length, { timeout: 1_000, interval: 10 }).toBe(serversBefore);
    expect(elapsed).toBeLessThan(10_000);
  });

  test('a bundle without our CA (system roots only): curl and python fail, with a fix naming the variable and the file', async () => {
    const c = byId(await probeCaTrust({ ...ca, caFile, bundleFile: rootsOnlyFile }, { env: machineEnv }));
    expect(c['ca.trusted.node']?.status).toBe('ok');
    for (const [id, variable] of [
      ['ca.trusted.curl', 'CURL_CA_BUNDLE'],
      ['ca.trusted.python', 'REQUESTS_CA_BUNDLE'],
    ] as const) {
      expect(c[id]?.status, id).toBe('fail');
      expect(c[id]?.detail).toContain('rejected');
      expect(c[id]?.fix).toContain(`point ${variable} at ${rootsOnlyFile}`);
      expect(c[id]?.fix).toContain('eval "$(onecli-launcher env)"');
      expect(c[id]?.fix).toContain('does not hold the current local CA');
    }
    expect(c['ca.trusted.curl']?.detail).toMatch(/curl: \(60\)/);
    expect(c['ca.trusted.python']?.detail).toMatch(/CERTIFICATE_VERIFY_FAILED/);
    expect(c['ca.bundle.roots']).toMatchObject({ status: 'fail', detail: expect.stringContaining('but not the current local CA') });
  });

  test('a ca.pem holding some other CA: node fails with a fix naming NODE_EXTRA_CA_CERTS and the file', async () => {
    const checks = await probeCaTrust({ ...ca, caFile: otherCaFile, bundleFile }, { env: machineEnv });
    const c = byId(checks);
    expect(c['ca.trusted.node']?.status).toBe('fail');
    expect(c['ca.trusted.node']?.detail).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
    expect(c['ca.trusted.node']?.fix).toContain(`point NODE_EXTRA_CA_CERTS at ${otherCaFile}`);
    expect(c['ca.trusted.curl']?.status).toBe('ok');
    expect(c['ca.trusted.python']?.status).toBe('ok');
    expectNoKey(checks, ca.keyPem);
  });

  test('a ca.pem that does not exist: node fails and the fix says the file cannot be read', async () => {
    const missing = path.join(dir, 'no-such-ca.pem');
    const c = byId(await probeCaTrust({ ...ca, caFile: missing, bundleFile }, { env: { PATH: emptyBin, HOME: machineEnv.HOME } }));
    expect(c['ca.trusted.node']?.status).toBe('fail');
    expect(c['ca.trusted.node']?.fix).toContain(`${missing} cannot be read (ENOENT)`);
    expect(c['ca.trusted.node']?.fix).toContain('NODE_EXTRA_CA_CERTS');
  });

  test('a PATH without curl or python3: both are skipped, not failed; node still runs', async () => {
    const c = byId(await probeCaTrust({ ...ca, caFile, bundleFile }, { env: { PATH: emptyBin, HOME: machineEnv.HOME } }));
    expect(c['ca.trusted.curl']).toMatchObject({ status: 'skip', detail: expect.stringContaining('curl is not installed') });
    expect(c['ca.trusted.curl']?.fix).toMatch(/^Nothing to do unless your agents use curl: if they do, install it/); // a skip still says what to do
    expect(c['ca.trusted.python']).toMatchObject({ status: 'skip', detail: expect.stringContaining('python3 is not installed') });
    expect(c['ca.trusted.node']?.status).toBe('ok');
  });

  test('python3 without requests: the standard library with SSL_CERT_FILE, and the detail says so', async () => {
    // The same interpreter with site-packages turned off (-S): requests is not importable, ssl is.
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    const bin = path.join(dir, 'python-without-requests');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'python3'), `#!/bin/sh\nexec '${python}' -S "$@"\n`, { mode: 0o755 });
    const env = { PATH: bin, HOME: machineEnv.HOME };
    const [good, bad] = await Promise.all([
      probeCaTrust({ ...ca, caFile, bundleFile }, { env }),
      probeCaTrust({ ...ca, caFile, bundleFile: rootsOnlyFile }, { env }),
    ]);
    const ok = byId(good)['ca.trusted.python'];
    expect(ok?.status).toBe('ok');
    expect(ok?.detail).toContain('urllib (requests is not installed)');
    expect(ok?.detail).toContain(`SSL_CERT_FILE=${bundleFile}`);
    const failed = byId(bad)['ca.trusted.python'];
    expect(failed?.status).toBe('fail');
    expect(failed?.fix).toContain(`point SSL_CERT_FILE at ${rootsOnlyFile}`);
  });

  test('a bundle holding only our CA: the bundle check warns that public roots are gone', async () => {
    const c = byId(await probeCaTrust({ ...ca, caFile, bundleFile: onlyOursFile }, { env: machineEnv }));
    expect(c['ca.bundle.roots']).toMatchObject({ status: 'warn', detail: expect.stringContaining('holds 0 other certificate(s) and the local CA') });
    expect(c['ca.bundle.roots']?.fix).toContain('ca-certificates');
    // Our own hosts still work with it; it is the unmapped ones that would break.
    expect(c['ca.trusted.curl']?.status).toBe('ok');
  });

  test('a client that hangs is killed at the timeout and reported as unknown, not as a rejection', async () => {
    const pidFile = path.join(dir, 'hung.pid');
    const hung = path.join(dir, 'hung-node');
    writeFileSync(hung, `#!/bin/sh\necho $$ > '${pidFile}'\nexec '${process.execPath}' -e 'setTimeout(() => {}, 60000)'\n`, { mode: 0o755 });
    const started = Date.now();
    const c = byId(await probeCaTrust({ ...ca, caFile, bundleFile, timeoutMs: 1_000 }, { env: { PATH: emptyBin, HOME: machineEnv.HOME }, nodePath: hung }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(c['ca.trusted.node']).toMatchObject({ status: 'warn', detail: expect.stringContaining('did not finish within 1 s') });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  test('a key that is not the CA certificate’s: every client check fails with that reason, and no key material shows', async () => {
    const checks = await probeCaTrust({ certPem: ca.certPem, keyPem: otherCa.keyPem, caFile, bundleFile }, { env: machineEnv });
    const c = byId(checks);
    for (const id of ['ca.trusted.node', 'ca.trusted.curl', 'ca.trusted.python']) {
      expect(c[id]).toMatchObject({ status: 'fail', detail: expect.stringContaining('does not belong to the CA certificate') });
    }
    expect(c['ca.bundle.roots']?.status).toBe('ok');
    expectNoKey(checks, otherCa.keyPem);
  });
});
