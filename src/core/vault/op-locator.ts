import { constants as fsConstants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createOpRunner, type OpRunnerDeps } from './op-runner.js';
import { opSearchDirs } from './op-search-path.js';
import { VaultError } from './vault-error.js';

/** `op --version` answers at once; a slow one is a broken install, not a prompt. */
export const OP_VERSION_TIMEOUT_MS = 5_000;
const VERSION_LINE = /^\d+\.\d+\.\d+\S*$/;

/** One `op` found on disk, with its version or why we could not get one. */
export interface OpInstall {
  /** Where it was found (the explicit path, or search folder + "op"). */
  readonly path: string;
  /** The same file with symlinks resolved; installs are de-duplicated on this. */
  readonly realPath: string;
  readonly version?: string | undefined;
  readonly error?: string | undefined;
}

export interface OpLocation {
  readonly searchDirs: readonly string[];
  /** Every distinct `op` found: the explicit one first, then in search order. */
  readonly installs: readonly OpInstall[];
  /** The one the launcher runs, if any. */
  readonly chosen?: OpInstall | undefined;
  readonly chosenBecause: 'explicit' | 'first-on-search-path' | 'none';
}

export interface OpLocatorFs {
  realpath(file: string): Promise<string>;
  /** True for a regular file we may execute; false for anything else, including a missing file. */
  isExecutableFile(file: string): Promise<boolean>;
}

export interface OpLocatorDeps extends OpRunnerDeps {
  readonly fs: OpLocatorFs;
}

export interface LocateOpOptions {
  /** `--op-path`: wins over the search path, even when it is broken (the doctor then says why). */
  readonly explicitPath?: string | undefined;
  readonly versionTimeoutMs?: number | undefined;
}

/** macOS and Linux only: the launcher does not target Windows. */
const OP_NAME = 'op';

async function versionOf(deps: OpLocatorDeps, opPath: string, searchPath: string, timeoutMs: number): Promise<Pick<OpInstall, 'version' | 'error'>> {
  try {
    const stdout = await createOpRunner(deps, { opPath, searchPath, timeoutMs })(['--version']);
    const line = stdout.trim().split('\n')[0]?.trim() ?? '';
    return VERSION_LINE.test(line) ? { version: line } : { error: '`op --version` printed something that is not a version' };
  } catch (err) {
    return { error: err instanceof VaultError ? err.fix : 'could not run `op --version`' };
  }
}

/**
 * Finds every `op` the launcher could run, asks each for its version, and says which one is
 * used. Two installs can conflict (e.g. a manual /usr/local/bin/op shadowing the setgid
 * /usr/bin/op from the Linux package), so all of them are reported, not just the winner.
 */
export async function locateOp(deps: OpLocatorDeps, options: LocateOpOptions = {}): Promise<OpLocation> {
  const searchDirs = opSearchDirs(deps.env.PATH, deps.env.HOME);
  const searchPath = searchDirs.join(path.delimiter);
  const timeoutMs = options.versionTimeoutMs ?? OP_VERSION_TIMEOUT_MS;

  const found: { path: string; realPath: string }[] = [];
  const seen = new Set<string>();
  for (const dir of searchDirs) {
    const candidate = path.join(dir, OP_NAME);
    if (!(await deps.fs.isExecutableFile(candidate))) continue;
    const real = await deps.fs.realpath(candidate);
    if (!seen.has(real)) found.push({ path: candidate, realPath: real });
    seen.add(real);
  }

  const explicit = options.explicitPath;
  const withVersions = (list: { path: string; realPath: string }[]) =>
    Promise.all(list.map(async (i): Promise<OpInstall> => ({ ...i, ...(await versionOf(deps, i.path, searchPath, timeoutMs)) })));

  if (explicit === undefined) {
    const installs = await withVersions(found);
    return { searchDirs, installs, chosen: installs[0], chosenBecause: installs.length > 0 ? 'first-on-search-path' : 'none' };
  }

  const explicitInstall = await inspectExplicit(deps, explicit, searchPath, timeoutMs);
  const others = await withVersions(found.filter((i) => i.realPath !== explicitInstall.realPath));
  return { searchDirs, installs: [explicitInstall, ...others], chosen: explicitInstall, chosenBecause: 'explicit' };
}

async function inspectExplicit(deps: OpLocatorDeps, explicit: string, searchPath: string, timeoutMs: number): Promise<OpInstall> {
  if (!path.isAbsolute(explicit)) return { path: explicit, realPath: explicit, error: '--op-path must be an absolute path' };
  if (!(await deps.fs.isExecutableFile(explicit))) return { path: explicit, realPath: explicit, error: 'no executable file at this path' };
  const realPath = await deps.fs.realpath(explicit);
  return { path: explicit, realPath, ...(await versionOf(deps, explicit, searchPath, timeoutMs)) };
}

/** The real file system, for wiring in the entry files. */
export const nodeLocatorFs: OpLocatorFs = {
  realpath: (file) => realpath(file),
  async isExecutableFile(file) {
    try {
      const info = await stat(file);
      if (!info.isFile()) return false;
      await access(file, fsConstants.X_OK);
      return true;
    } catch {
      return false; // missing, unreadable or not executable: not an `op` we can use
    }
  },
};
