import { X509Certificate } from 'node:crypto';
import type { DoctorCheck } from '../../shared/control-api.js';

/** What a trust file (ca.pem, or the combined bundle) holds: how many certificates, ours among them? */
export type TrustFile =
  | { readonly readable: false; readonly reason: string }
  | { readonly readable: true; readonly certs: number; readonly unparsable: number; readonly holdsOurs: boolean };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export async function inspectTrustFile(read: (file: string) => Promise<string>, file: string, ours: Buffer | undefined): Promise<TrustFile> {
  let text: string;
  try {
    text = await read(file);
  } catch (err) {
    return { readable: false, reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
  let certs = 0;
  let unparsable = 0;
  let holdsOurs = false;
  for (const block of text.match(PEM_CERT) ?? []) {
    try {
      const raw = new X509Certificate(block).raw;
      certs += 1;
      if (ours && raw.equals(ours)) holdsOurs = true;
    } catch {
      unparsable += 1;
    }
  }
  return { readable: true, certs, unparsable, holdsOurs };
}

export function ourCertDer(certPem: string): Buffer | undefined {
  try {
    return new X509Certificate(certPem).raw;
  } catch {
    return undefined;
  }
}

export function bundleCheck(bundleFile: string, info: TrustFile, id: string): DoctorCheck {
  const base = { id, title: 'CA bundle: public roots + the local CA' };
  const rewrite = `Restart the launcher: it rewrites ${bundleFile} from the system's roots and the current local CA at every start.`;
  if (!info.readable) return { ...base, status: 'fail', detail: `${bundleFile} cannot be read (${info.reason})`, fix: rewrite };
  const roots = info.certs - (info.holdsOurs ? 1 : 0);
  const skipped = info.unparsable ? `; ${info.unparsable} block(s) that are not certificates were ignored` : '';
  const detail = `${bundleFile} holds ${roots} other certificate(s)${info.holdsOurs ? ' and the local CA' : ', but not the current local CA'}${skipped}`;
  if (!info.holdsOurs) return { ...base, status: 'fail', detail, fix: rewrite };
  if (roots === 0) {
    return {
      ...base,
      status: 'warn',
      detail: `${detail}: clients whose trust store it replaces (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, GIT_SSL_CAINFO) will reject every unmapped host`,
      fix: `Install the system's CA certificates (Debian/Ubuntu: ca-certificates), then restart the launcher so it rewrites ${bundleFile}.`,
    };
  }
  return { ...base, status: 'ok', detail };
}
