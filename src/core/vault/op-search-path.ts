import path from 'node:path';

// A macOS app started from Finder or the Dock inherits launchd's bare PATH
// (/usr/bin:/bin:/usr/sbin:/sbin), so an `op` installed by Homebrew or the .pkg is invisible
// unless we add those prefixes ourselves. Order matters: it decides which `op` wins, and the
// doctor reports it. Homebrew on Apple Silicon, then Intel Homebrew and the official .pkg
// (/usr/local/bin), then the Linux packages (/usr/bin, setgid `onepassword-cli`), then snap.
const SYSTEM_OP_DIRS = ['/opt/homebrew/bin', '/usr/local/bin', '/usr/bin', '/bin', '/snap/bin'] as const;
/** Manual installs into the user's own bin folders. */
const HOME_OP_DIRS = ['.local/bin', 'bin'] as const;

/**
 * Every folder to look for `op` in: the given PATH first (what a terminal user sees), then the
 * well-known install locations a GUI app's bare PATH lacks. Relative and duplicate entries
 * are dropped: a relative PATH entry would depend on our working directory.
 */
export function opSearchDirs(pathEnv: string | undefined, home: string | undefined): string[] {
  const fromEnv = (pathEnv ?? '').split(path.delimiter);
  const fromHome = home && path.isAbsolute(home) ? HOME_OP_DIRS.map((d) => path.join(home, d)) : [];
  // path.resolve on an absolute path only normalises it, e.g. drops a trailing '/'.
  const all = [...fromEnv, ...SYSTEM_OP_DIRS, ...fromHome].filter((d) => path.isAbsolute(d)).map((d) => path.resolve(d));
  return [...new Set(all)];
}

/** The same folders as a PATH value, for the `op` child's environment. */
export function opSearchPath(pathEnv: string | undefined, home: string | undefined): string {
  return opSearchDirs(pathEnv, home).join(path.delimiter);
}
