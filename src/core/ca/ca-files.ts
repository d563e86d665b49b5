import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';

export const CA_CERT_FILE = 'ca.pem';
export const CA_BUNDLE_FILE = 'ca-bundle.pem';

/** Debian/Ubuntu, Fedora/RHEL, Alpine, openSUSE: the distribution's trust store, admin additions included. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/etc/ssl/ca-bundle.pem'];

/**
 * The public roots for the combined bundle. Variables such as SSL_CERT_FILE and
 * REQUESTS_CA_BUNDLE *replace* a client's roots, and unmapped hosts still present their real
 * certificates, so the bundle must carry the system's roots too. On Linux that is the
 * distribution's file; elsewhere (macOS keeps roots in the Keychain) Node's bundled Mozilla set.
 */
export function systemRootsPem(readFile: (file: string) => string = (f) => readFileSync(f, 'utf8')): string {
  for (const file of SYSTEM_BUNDLES) {
    try {
      const text = readFile(file);
      if (text.includes('BEGIN CERTIFICATE')) return text.endsWith('\n') ? text : `${text}\n`;
    } catch {
      // not this distribution's path; try the next
    }
  }
  return `${rootCertificates.join('\n')}\n`;
}

export function caFilePaths(dataDir: string): { certFile: string; bundleFile: string } {
  return { certFile: path.join(dataDir, CA_CERT_FILE), bundleFile: path.join(dataDir, CA_BUNDLE_FILE) };
}

/** The combined bundle: public roots first, then the local CA, labelled so a human can find it. */
export function combinedBundle(systemRoots: string, caCertPem: string): string {
  return `${systemRoots}\n# OneCLI Local CA (added by onecli-launcher)\n${caCertPem}`;
}
