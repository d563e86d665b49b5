import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { quoted, shellQuote, shown } from './printable.js';

/**
 * The data folder holds what agents trust (ca.pem, ca-bundle.pem), the settings, and the
 * running launcher's address. Anyone who may write into it could swap the CA bundle (and so
 * read every agent's TLS traffic) or point the CLI at a server of their own, so it must be the
 * user's own folder, closed to everyone else.
 */

/** An unsafe data folder: the message says what is wrong and what to do. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** What a data folder looks like on disk, for the start-up check and the doctor. */
export type DataDirInspection =
  | { readonly kind: 'not-checked'; readonly reason: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-folder' }
  | {
      readonly kind: 'folder';
      /** Permission bits, e.g. 0o700. */
      readonly mode: number;
      readonly ownerUid: number;
      readonly currentUid: number;
      /** Entries in the folder that another user owns (names only). */
      readonly foreignEntries: readonly string[];
      /** Entries of ours that others may write (names only). */
      readonly looseEntries: readonly string[];
    };

/** Bits that let anyone but the owner in at all. */
const OTHERS = 0o077;
/** Bits that let anyone but the owner write. */
const OTHERS_WRITE = 0o022;

export const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

export function inspectDataDir(dir: string, currentUid: number | undefined = process.getuid?.()): DataDirInspection {
  if (currentUid === undefined) return { kind: 'not-checked', reason: 'this platform has no POSIX owners and modes' };
  let st: Stats;
  try {
    st = statSync(dir); // follows a symlinked data folder: what matters is the folder it names
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'not-checked', reason: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
  if (!st.isDirectory()) return { kind: 'not-a-folder' };
  const foreignEntries: string[] = [];
  const looseEntries: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // unreadable: the owner and mode checks below still say what is wrong
  }
  for (const name of names) {
    try {
      const entry = lstatSync(path.join(dir, name));
      if (entry.uid !== currentUid) foreignEntries.push(name);
      else if (!entry.isSymbolicLink() && entry.mode & OTHERS_WRITE) looseEntries.push(name);
    } catch {
      // gone since readdir
    }
  }
  return { kind: 'folder', mode: st.mode & 0o777, ownerUid: st.uid, currentUid, foreignEntries, looseEntries };
}

/** The problem with an inspected folder, as one sentence with the fix; undefined when it is safe. */
export function dataDirProblem(dir: string, found: DataDirInspection): string | undefined {
  const q = shellQuote(dir);
  const d = shown(dir);
  switch (found.kind) {
    case 'not-checked':
    case 'missing':
      return undefined;
    case 'not-a-folder':
      return `The data folder ${d} is not a folder: move that file away, or pass --data-dir <folder> (or set ONECLI_DATA_DIR).`;
    case 'folder':
      break;
  }
  if (found.ownerUid !== found.currentUid) {
    return `The data folder ${d} belongs to another user (uid ${found.ownerUid}; you are uid ${found.currentUid}), so the launcher will not keep the CA that agents trust in it: if it is yours, sudo chown -R "$(id -u)" ${q}; otherwise pass --data-dir <a folder of your own> (or set ONECLI_DATA_DIR).`;
  }
  if (found.foreignEntries.length) {
    const names = found.foreignEntries.slice(0, 5).map(quoted).join(', ');
    return `The data folder ${d} holds ${found.foreignEntries.length} entr${found.foreignEntries.length === 1 ? 'y' : 'ies'} another user owns (${names}${found.foreignEntries.length > 5 ? ', …' : ''}), which may have been planted while the folder was open to others: look at them, remove them (or sudo chown them to you if you made them with sudo), then start again.`;
  }
  if (found.mode & OTHERS)
    return `The data folder ${d} is ${octal(found.mode)}, open to other users: chmod 700 ${q} (the launcher also does this at every start).`;
  if (found.looseEntries.length)
    return `Other users may write ${found.looseEntries.map(quoted).join(', ')} in the data folder ${d}: chmod go-w on them (the launcher also does this at every start).`;
  return undefined;
}

export interface SecuredDataDir {
  /** The folder's mode before it was tightened to 0700, when it was looser. */
  readonly tightenedFrom?: number;
  /** Entries of ours that others could write, now closed to them. */
  readonly tightenedEntries: readonly string[];
}

/**
 * Creates the data folder 0700, or makes an existing one safe: a folder open to others is
 * tightened to 0700 (and our own entries in it lose group/other write); a folder, or an entry in
 * it, that another user owns is refused with a {@link DataDirError}, since chmod cannot make that
 * safe. Called before anything reads or writes in the folder.
 */
export function secureDataDir(dir: string, currentUid: number | undefined = process.getuid?.()): SecuredDataDir {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    // EEXIST: something that is not a folder is in the way; the inspection below names it.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new DataDirError(
        `Cannot create the data folder ${shown(dir)} (${(err as NodeJS.ErrnoException).code ?? 'error'}): pass --data-dir <a folder you may write> (or set ONECLI_DATA_DIR).`,
      );
  }
  const found = inspectDataDir(dir, currentUid);
  if (found.kind !== 'folder') {
    const problem = dataDirProblem(dir, found);
    if (problem) throw new DataDirError(problem);
    return { tightenedEntries: [] };
  }
  if (found.ownerUid !== found.currentUid) throw new DataDirError(dataDirProblem(dir, found)!);
  const cannotClose = (err: unknown) =>
    new DataDirError(
      `The data folder ${shown(dir)} is open to other users and could not be closed (${(err as NodeJS.ErrnoException).code ?? 'error'}): chmod 700 ${shellQuote(dir)}, then start again.`,
    );
  try {
    // First close the folder, so nothing more can be planted while the user looks at what was.
    if (found.mode & OTHERS) chmodSync(dir, 0o700);
  } catch (err) {
    throw cannotClose(err);
  }
  if (found.foreignEntries.length) throw new DataDirError(dataDirProblem(dir, found)!);
  try {
    for (const name of found.looseEntries) {
      const file = path.join(dir, name);
      chmodSync(file, lstatSync(file).mode & 0o7777 & ~OTHERS_WRITE);
    }
  } catch (err) {
    throw cannotClose(err);
  }
  return { ...(found.mode & OTHERS ? { tightenedFrom: found.mode } : {}), tightenedEntries: found.looseEntries };
}
