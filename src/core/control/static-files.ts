import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { ControlError } from '../control-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The UI's own pages only: scripts from this origin, no inline script, no framing, no
 * referrer, and API calls to this origin alone.
 */
export const UI_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** The path as the file system sees it; a malformed escape (`%zz`, a cut UTF-8 sequence) or a NUL is the client's error. */
function decodePath(pathname: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new ControlError('invalid_params', 'The path has a malformed percent-escape.');
  }
  if (decoded.includes('\0')) throw new ControlError('invalid_params', 'The path holds a NUL character.');
  return decoded;
}

/** Serves the built renderer; unknown paths get index.html (one-page app). Never leaves `root`. */
export async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<boolean> {
  const decoded = decodePath(pathname);
  const file = path.resolve(root, `.${decoded === '/' ? '/index.html' : decoded}`);
  if (!file.startsWith(path.resolve(root) + path.sep)) return false;
  let body: Buffer;
  let served = file;
  try {
    body = await readFile(file);
  } catch {
    if (path.extname(decoded)) return false;
    served = path.join(root, 'index.html');
    try {
      body = await readFile(served);
    } catch {
      return false;
    }
  }
  res
    .writeHead(200, {
      'content-type': TYPES[path.extname(served)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
      ...UI_SECURITY_HEADERS,
    })
    .end(body);
  return true;
}
