import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { shellQuote, shown as shownText } from './printable.js';

/**
 * Extra upstream trust: a PEM file of CA certificates the gateway adds to Node's public roots
 * when it verifies the real host (a corporate proxy that re-signs TLS). It comes from the
 * settings (a file the user chose in the UI) and, for one launch, from `--extra-ca` or the
 * NODE_EXTRA_CA_CERTS the launcher itself was started with. Both shells use this module.
 */

/** Larger than any sane CA bundle (the system's whole bundle is ~200 KiB). */
const MAX_BYTES = 4 * 1024 * 1024;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

export type ExtraCaRead =
  | { readonly ok: true; readonly file: string; readonly pem: string; readonly subjects: readonly string[] }
  | { readonly ok: false; readonly file: string; readonly problem: string; readonly fix: string };

const shown = (file: string) => shownText(file.slice(0, 300));

/** What a settings value must look like before anything is read: an absolute path, nothing odd in it. */
export function extraCaPathProblem(file: string): string | undefined {
  if (file.includes('\0')) return 'The path holds a NUL character.';
  if (!path.isAbsolute(file)) return `${shown(file)} is not an absolute path.`;
  return undefined;
}

/**
 * Reads and checks a trust file: readable, a regular file, PEM, and every block a certificate
 * (a private key in it is refused: it never belongs in a trust file, and would end up in the
 * gateway's memory). Returns the certificates only, re-encoded, or the problem and its fix.
 */
export function readExtraCa(file: string, read: (file: string) => Buffer = (f) => readFileSync(f)): ExtraCaRead {
  const fail = (problem: string, fix: string): ExtraCaRead => ({ ok: false, file, problem, fix });
  const pathProblem = extraCaPathProblem(file);
  if (pathProblem) return fail(pathProblem, 'Give the full path of the PEM file (starting with /), or choose it again in Settings → Upstream trust.');
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return fail(`${shown(file)} is not a file.`, 'Choose the PEM file itself (often ending in .pem or .crt), not a folder.');
    if (stat.size > MAX_BYTES)
      return fail(`${shown(file)} is ${Math.round(stat.size / 1024)} KiB, too large for a CA file.`, 'Choose the file that holds only your CA certificate(s).');
  } catch (err) {
    return fail(`${shown(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, unreadableFix(err));
  }
  let bytes: Buffer;
  try {
    bytes = read(file);
  } catch (err) {
    return fail(`${shown(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, unreadableFix(err));
  }
  const text = bytes.toString('latin1');
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    const der = bytes[0] === 0x30;
    return fail(
      `${shown(file)} holds no PEM certificate${der ? ' (it looks like DER, the binary form)' : ''}.`,
      der
        ? `Convert it to PEM: openssl x509 -inform der -in ${shellQuote(file)} -out ca.pem, then choose ca.pem.`
        : 'Choose a PEM file: text that starts with -----BEGIN CERTIFICATE-----. Your IT department can give you the CA certificate in that form.',
    );
  }
  const certs: string[] = [];
  const subjects: string[] = [];
  for (const [block, label] of blocks) {
    if (label !== 'CERTIFICATE' && label !== 'TRUSTED CERTIFICATE') {
      return fail(
        `${shown(file)} holds a ${shownText((label ?? '').slice(0, 40))} block, not only certificates.`,
        'A trust file holds certificates only: choose a file with just the CA certificate(s), and keep any private key out of it.',
      );
    }
    try {
      const cert = new X509Certificate(block.replace('TRUSTED CERTIFICATE', 'CERTIFICATE'));
      certs.push(cert.toString().trim());
      subjects.push(shownText((cert.subject.split('\n').find((l) => l.startsWith('CN=')) ?? cert.subject.split('\n')[0] ?? '').slice(0, 120)));
    } catch {
      return fail(
        `${shown(file)} holds a certificate block that does not parse.`,
        'The file is damaged or not a certificate: get the CA certificate again and choose the new file.',
      );
    }
  }
  return { ok: true, file, pem: `${certs.join('\n')}\n`, subjects };
}

function unreadableFix(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'The file is gone: choose it again in Settings → Upstream trust (or remove the setting).';
  if (code === 'EACCES' || code === 'EPERM')
    return 'OneCLI may not read it: make it readable for your user (chmod u+r), or copy it to your home folder and choose the copy.';
  return 'Choose the file again in Settings → Upstream trust.';
}

/** The trust the gateway gets: the launch's PEM and the setting's, one bundle. */
export function combinedExtraCa(parts: readonly (string | undefined)[]): string | undefined {
  const pems = parts.filter((p): p is string => Boolean(p?.trim()));
  return pems.length ? pems.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('') : undefined;
}
