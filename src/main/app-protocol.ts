import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { isAppUrl } from '../shared/ipc-channels.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The same policy the headless server sends, plus nothing: the popover talks to the core over IPC only. */
export const POPOVER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Resolves an app:// URL to a file inside the renderer folder, or undefined (never outside it). */
export function rendererFile(root: string, url: string): string | undefined {
  if (!isAppUrl(url)) return undefined;
  const parsed = new URL(url);
  const file = path.resolve(root, `.${decodeURIComponent(parsed.pathname === '/' ? '/index.html' : parsed.pathname)}`);
  return file.startsWith(path.resolve(root) + path.sep) ? file : undefined;
}

/**
 * Serves the built renderer from `app://onecli/`: with the grantFileProtocolExtraPrivileges fuse
 * off, file:// is the wrong home for a privileged page, and a custom origin lets IPC check who calls.
 */
export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle('app', async (request) => {
    const file = rendererFile(root, request.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), {
        headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': POPOVER_CSP },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
