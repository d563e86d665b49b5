import path from 'node:path';
import { shellQuote, shown } from '../core/printable.js';
import type { RuntimeInfo } from '../core/runtime-file.js';

/** The flags a command line gave that only the process that starts the core can honour. */
export interface LaunchFlags {
  readonly port?: number | undefined;
  readonly opPath?: string | undefined;
  /** `--extra-ca` itself (NODE_EXTRA_CA_CERTS in the caller's shell is not a request to this command). */
  readonly extraCa?: string | undefined;
  readonly insecureFileStore: boolean;
}

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && path.resolve(a) === path.resolve(b);

/**
 * While a launcher runs, commands go to it, and it keeps the options it was started with. The
 * first flag it would not honour, as one line that says why and what to do; undefined when it
 * honours them all (the same value, or one that changes nothing).
 */
export function ignoredLaunchFlag(given: LaunchFlags, running: RuntimeInfo): string | undefined {
  const who = `the running launcher (pid ${running.pid})`;
  const stopIt = 'or stop it to run this command on its own';
  const launch = running.launch;
  const unknown = (flag: string) =>
    `${flag} cannot be honoured by ${who}, which did not record how it was started: stop it to run this command on its own, or leave ${flag} out.`;

  if (given.opPath !== undefined && !same(given.opPath, launch?.opPath)) {
    if (!launch) return unknown('--op-path');
    return `--op-path is ignored by ${who}, which ${launch.opPath ? `uses ${shown(launch.opPath)}` : 'finds op on its own PATH'}: restart it with \`onecli-launcher serve --op-path ${shellQuote(given.opPath)}\`, ${stopIt}.`;
  }
  if (given.extraCa !== undefined && !same(given.extraCa, launch?.extraCaFile)) {
    if (!launch) return unknown('--extra-ca');
    return `--extra-ca is ignored by ${who}, which ${launch.extraCaFile ? `trusts ${shown(launch.extraCaFile)}` : 'trusts no extra CA'}: restart it with \`onecli-launcher serve --extra-ca ${shellQuote(given.extraCa)}\`, ${stopIt}.`;
  }
  // With a keychain (or a file store already in use) the flag changes nothing; without, the running launcher keeps secrets in memory.
  if (given.insecureFileStore && launch?.secretStore !== 'keychain' && launch?.secretStore !== 'file') {
    if (!launch) return unknown('--insecure-file-store');
    return `--insecure-file-store is ignored by ${who}, which keeps secrets in memory for its run (no keychain): restart it with \`onecli-launcher serve --insecure-file-store\`, ${stopIt}.`;
  }
  if (given.port !== undefined && given.port !== running.gatewayPort && given.port !== launch?.port) {
    return `--port ${given.port} is ignored by ${who}, whose gateway listens on ${running.gatewayPort}: restart it with \`onecli-launcher serve --port ${given.port}\`, or leave --port out.`;
  }
  return undefined;
}

/**
 * Said before the doctor's results when they come from a running launcher whose PATH is not the
 * caller's: op, node, curl and python3 were looked for on its PATH, not on yours.
 */
export function doctorEnvironmentNote(running: RuntimeInfo, callerPath: string | undefined): string | undefined {
  const theirs = running.launch?.path;
  if (theirs !== undefined && theirs === callerPath) return undefined;
  const where = theirs === undefined ? 'in its own environment' : 'with its own PATH, which is not yours';
  return `These checks ran in the running launcher (pid ${running.pid}), ${where}: op, node, curl and python3 are the ones it finds. To check your own PATH, stop it (or restart onecli-launcher serve from this shell) and run onecli-launcher doctor again.`;
}
