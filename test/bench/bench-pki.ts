/** Throwaway certificates for one bench run, written into its work directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';

export interface BenchPki {
  /** The upstream's CA: what direct clients, the gateway and mitmproxy trust for the upstream. */
  upstreamCaFile: string;
  upstreamCaPem: string;
  upstreamCertFile: string;
  upstreamKeyFile: string;
  /** The gateway's local CA (EC P-256, as the launcher makes it). */
  gatewayCa: CaPem;
  /** mitmproxy's confdir holding `mitmproxy-ca.pem` (RSA key + cert), and its CA certificate. */
  mitmConfDir: string;
  mitmCaPem: string;
}

export async function createBenchPki(dir: string, upstreamIps: readonly string[]): Promise<BenchPki> {
  const upstreamCa = await makeCa('onecli bench upstream CA', 'ec');
  const upstreamCert = await makeServerCert(upstreamCa, ['localhost', ...upstreamIps]);
  const gatewayCa = await makeCa('onecli bench gateway CA', 'ec');
  const mitmCa = await makeCa('onecli bench mitmproxy CA', 'rsa');

  const upstreamCaFile = path.join(dir, 'upstream-ca.pem');
  const upstreamCertFile = path.join(dir, 'upstream-cert.pem');
  const upstreamKeyFile = path.join(dir, 'upstream-key.pem');
  writeFileSync(upstreamCaFile, upstreamCa.certPem);
  writeFileSync(upstreamCertFile, upstreamCert.certPem);
  writeFileSync(upstreamKeyFile, upstreamCert.keyPem, { mode: 0o600 });

  const mitmConfDir = path.join(dir, 'mitmproxy');
  mkdirSync(mitmConfDir, { mode: 0o700 });
  writeFileSync(path.join(mitmConfDir, 'mitmproxy-ca.pem'), mitmCa.keyPem + mitmCa.certPem, { mode: 0o600 });

  return { upstreamCaFile, upstreamCaPem: upstreamCa.certPem, upstreamCertFile, upstreamKeyFile, gatewayCa, mitmConfDir, mitmCaPem: mitmCa.certPem };
}
