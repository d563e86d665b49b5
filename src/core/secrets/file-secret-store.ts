import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, type AtomicWriteFs } from '../files/write-file-atomic.js';
import { assertSecretName, type SecretName } from './secret-names.js';
import { SecretStoreError } from './secret-store-error.js';
import type { SecretStore } from './secret-store.js';

export const SECRETS_FILE_NAME = 'secrets.json';
const FILE_VERSION = 1;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

const SecretsFile = z.object({
  version: z.literal(FILE_VERSION),
  secrets: z.record(z.string(), z.string()),
});
type SecretsFile = z.infer<typeof SecretsFile>;

/** The filesystem calls the store makes; `node:fs/promises` by default. */
export interface SecretFileFs extends AtomicWriteFs {
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  mkdir(dir: string, options: { recursive: true; mode: number }): Promise<unknown>;
  stat(file: string): Promise<unknown>;
}

/** A file that could not be parsed, and where it went. Status and doctor show it. */
export interface SetAsideReport {
  readonly file: string;
  readonly movedTo: string;
  /** Why it was set aside; never a piece of the file's content. */
  readonly reason: string;
}

export type FileStoreHealth =
  { readonly state: 'missing' } | { readonly state: 'ok'; readonly entries: number } | ({ readonly state: 'set-aside' } & SetAsideReport);

export interface FileSecretStoreOptions {
  /** The data dir; the file is `<dataDir>/secrets.json`. */
  readonly dataDir: string;
  readonly fs?: SecretFileFs;
  readonly now?: () => Date;
  /** Told whenever a corrupt file is set aside, so the user hears of it. */
  readonly onSetAside?: (report: SetAsideReport) => void;
}

type Loaded = { secrets: Record<string, string>; health: FileStoreHealth };

/**
 * The opt-in fallback when no keychain is reachable (`--insecure-file-store`): every secret
 * in one JSON file, mode 0600, in a 0700 data dir, rewritten atomically. Anyone who can read
 * the user's files can read these secrets; that is why it is opt-in and the doctor says so.
 *
 * Calls are queued, so two `set`s in one process never lose each other's entry. The file is
 * read on every call: another process (the CLI) may have changed it.
 */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file';
  readonly path: string;
  readonly #fs: SecretFileFs;
  readonly #now: () => Date;
  readonly #onSetAside: (report: SetAsideReport) => void;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: FileSecretStoreOptions) {
    this.path = path.join(options.dataDir, SECRETS_FILE_NAME);
    this.#fs = options.fs ?? nodeFs;
    this.#now = options.now ?? (() => new Date());
    this.#onSetAside = options.onSetAside ?? (() => undefined);
  }

  /** Reads the file now (setting it aside if corrupt) and says what was found. */
  check(): Promise<FileStoreHealth> {
    return this.#serialized(async () => (await this.#load()).health);
  }

  get(name: SecretName): Promise<string | undefined> {
    const key = assertSecretName(name);
    return this.#serialized(async () => (await this.#load()).secrets[key]);
  }

  set(name: SecretName, value: string): Promise<void> {
    const key = assertSecretName(name);
    return this.#serialized(async () => {
      const { secrets } = await this.#load();
      await this.#save({ ...secrets, [key]: value });
    });
  }

  delete(name: SecretName): Promise<boolean> {
    const key = assertSecretName(name);
    return this.#serialized(async () => {
      const { secrets } = await this.#load();
      if (!Object.hasOwn(secrets, key)) return false;
      const { [key]: _removed, ...rest } = secrets;
      await this.#save(rest);
      return true;
    });
  }

  #serialized<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run);
    // The next call waits for this one to finish, not to succeed: callers get their own errors.
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #load(): Promise<Loaded> {
    let text: string;
    try {
      text = await this.#fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { secrets: {}, health: { state: 'missing' } };
      throw this.#failure('could not be read', err);
    }
    const problem = this.#parse(text);
    if (typeof problem !== 'string') return { secrets: { ...problem.secrets }, health: { state: 'ok', entries: Object.keys(problem.secrets).length } };
    const report = await this.#setAside(problem);
    this.#onSetAside(report);
    return { secrets: {}, health: { state: 'set-aside', ...report } };
  }

  /** The file's content, or why it is corrupt. Reasons name paths and kinds, never content. */
  #parse(text: string): SecretsFile | string {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return 'it is not valid JSON';
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > FILE_VERSION) {
      // A newer launcher wrote it (then the user downgraded): it is not corrupt, so it stays put.
      throw new SecretStoreError(
        'file_store_failed',
        `${this.path} was written by a newer onecli-launcher (format ${version}): upgrade onecli-launcher to use it.`,
      );
    }
    const parsed = SecretsFile.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    return `it does not have the expected shape (${issue?.path.join('.') || 'top level'}: ${issue?.code ?? 'invalid'})`;
  }

  /** Renames the file to `secrets.corrupt-<time>[-n].json`, never over an earlier one. */
  async #setAside(reason: string): Promise<SetAsideReport> {
    const stamp = this.#now().toISOString().replace(/[:.]/g, '-');
    const base = this.path.replace(/\.json$/, `.corrupt-${stamp}`);
    for (let n = 1; ; n += 1) {
      const movedTo = n === 1 ? `${base}.json` : `${base}-${n}.json`;
      if (await this.#exists(movedTo)) continue;
      try {
        await this.#fs.rename(this.path, movedTo);
      } catch (err) {
        throw this.#failure('is corrupt and could not be set aside', err);
      }
      return { file: this.path, movedTo, reason };
    }
  }

  async #exists(file: string): Promise<boolean> {
    try {
      await this.#fs.stat(file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.#failure('is corrupt and could not be set aside', err);
    }
  }

  async #save(secrets: Record<string, string>): Promise<void> {
    const file: SecretsFile = { version: FILE_VERSION, secrets };
    try {
      await this.#fs.mkdir(path.dirname(this.path), { recursive: true, mode: DIR_MODE });
      await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, FILE_MODE, this.#fs);
    } catch (err) {
      throw this.#failure('could not be written', err);
    }
  }

  #failure(what: string, err: unknown): SecretStoreError {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return new SecretStoreError(
      'file_store_failed',
      `The secrets file ${this.path} ${what} (${code}): check the data folder's owner, permissions and free space.`,
      { cause: err },
    );
  }
}
