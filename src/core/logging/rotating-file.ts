import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface RotatingFileOptions {
  /** Rotate once the file would grow past this (default 5 MiB). */
  readonly maxBytes?: number;
  /** Older files kept next to it: `launcher.1.log` … `launcher.<keep>.log` (default 3). */
  readonly keep?: number;
}

/** `launcher.log` → `launcher.<n>.log`: where generation n of a rotated log lives. */
export function logGeneration(file: string, n: number): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${n}${ext}`;
}

/**
 * A log file that rotates by size: `launcher.log` → `launcher.1.log` → … → dropped. Writes are
 * synchronous: the launcher logs a few lines a minute, and a line written before a crash is
 * the one worth having. Files are 0600 in a 0700 folder (logs name hosts and mappings, never
 * values). A pino destination: anything with `write(string)`.
 */
export class RotatingFile {
  readonly file: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #fd: number | undefined;
  #size = 0;
  /** Set when the file could not be opened or written: logging must never take the app down. */
  #broken = false;

  constructor(file: string, options: RotatingFileOptions = {}) {
    this.file = file;
    this.#maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.#keep = Math.max(1, options.keep ?? 3);
  }

  /** The rotated file of a given generation (1 = the newest old one). */
  generation(n: number): string {
    return logGeneration(this.file, n);
  }

  write(chunk: string): boolean {
    if (this.#broken) return true;
    try {
      const bytes = Buffer.byteLength(chunk);
      if (this.#fd === undefined) this.#open();
      if (this.#size > 0 && this.#size + bytes > this.#maxBytes) this.#rotate();
      writeSync(this.#fd!, chunk);
      this.#size += bytes;
    } catch {
      this.#broken = true; // a full disk or a removed folder: stop trying, keep running
    }
    return true;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.#fd = openSync(this.file, 'a', 0o600);
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(): void {
    this.close();
    rmSync(this.generation(this.#keep), { force: true });
    for (let n = this.#keep - 1; n >= 1; n--) {
      try {
        renameSync(this.generation(n), this.generation(n + 1));
      } catch {
        // that generation does not exist yet
      }
    }
    renameSync(this.file, this.generation(1));
    this.#open();
  }
}
