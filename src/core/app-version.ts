import { readFileSync } from 'node:fs';

/**
 * The version in package.json, the one electron-builder stamps on the app: read at run time so
 * the CLI, the SDK's integration name and the app never disagree. From src/core (tsx) and
 * dist/core (built, and inside the app's asar) alike, package.json is two folders up.
 */
function readVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const version = typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
    return typeof version === 'string' && /^\d+\.\d+\.\d+/.test(version) ? version : '0.0.0-unknown';
  } catch {
    return '0.0.0-unknown';
  }
}

export const APP_VERSION: string = readVersion();
