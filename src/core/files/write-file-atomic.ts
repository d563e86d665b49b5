import { randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import path from 'node:path';

/** The part of `node:fs/promises` an atomic write needs; tests pass one that fails on cue. */
export interface AtomicWriteFs {
  open(file: string, flags: string, mode: number): Promise<AtomicWriteHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, options: { force: boolean }): Promise<void>;
}

export interface AtomicWriteHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes `data` so that readers see either the old file or the whole new one, never a torn
 * mix: a temp file in the same directory (a rename across filesystems is not atomic), synced
 * to disk before the rename (or a crash could leave a renamed but empty file). The mode is set
 * on the temp file before any byte is written, so a secret is never readable by others, even
 * for an instant.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600, fs: AtomicWriteFs = nodeFs): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  // 'wx': never follow or reuse something already at the temp path.
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    try {
      await handle.chmod(mode); // open's mode is filtered by the umask; the caller asked for exactly this one
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // The write failed, so the temp file is partial and nobody will ever read it. Removing
    // it is best effort (force: a missing file is fine); the caller needs the first error.
    await fs.rm(tmp, { force: true }).catch((cleanupErr: unknown) => {
      throw new AggregateError([err, cleanupErr], `writing ${path.basename(file)} failed, and its temp file could not be removed`);
    });
    throw err;
  }
}
