import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { Settings, defaultSettings } from '../../shared/settings.js';
import { migrateSettings } from './migrations.js';

/**
 * What we need of a key-value store: `conf`, or the Electron shell's `electron-store` (its
 * subclass) with the same file. Both write atomically.
 */
export interface SettingsBackend {
  store: Record<string, unknown>;
  readonly path: string;
}

export const SETTINGS_FILE_NAME = 'settings.json';

/** How the settings file was found at start: status and doctor report it. */
export type SettingsHealth =
  { readonly state: 'ok' | 'created' | 'migrated' } | { readonly state: 'set-aside'; readonly movedTo: string; readonly reason: string };

export interface SettingsRepositoryOptions {
  readonly dataDir: string;
  readonly now?: () => Date;
  /** The shell passes an electron-store factory; headless uses conf. */
  readonly createBackend?: (dataDir: string) => SettingsBackend;
}

function confBackend(dataDir: string): SettingsBackend {
  return new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: path.basename(SETTINGS_FILE_NAME, '.json'),
    clearInvalidConfig: false,
    configFileMode: 0o600,
    projectSuffix: '',
  });
}

/** Reads the file as it is on disk, before the backend sees it, so a bad file is set aside, never cleared. */
function inspect(file: string): { kind: 'missing' } | { kind: 'ok'; settings: Settings; migrated: boolean } | { kind: 'bad'; reason: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'bad', reason: `it could not be read (${(err as NodeJS.ErrnoException).code})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'bad', reason: 'it is not valid JSON' };
  }
  const migrated = migrateSettings(json);
  if (!migrated.ok) return { kind: 'bad', reason: migrated.reason };
  const parsed = Settings.safeParse(migrated.raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'bad', reason: `${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}` };
  }
  return { kind: 'ok', settings: parsed.data, migrated: migrated.from !== parsed.data.version };
}

/**
 * The settings file: schema-validated, migrated by version, written atomically. A corrupt
 * file is renamed aside with a timestamp (never deleted), defaults are used, and `health`
 * says so.
 */
export class SettingsRepository {
  readonly health: SettingsHealth;
  readonly path: string;
  readonly #backend: SettingsBackend;
  #current: Settings;

  constructor(options: SettingsRepositoryOptions) {
    const now = options.now ?? (() => new Date());
    const file = path.join(options.dataDir, SETTINGS_FILE_NAME);
    const found = inspect(file);
    let health: SettingsHealth;
    if (found.kind === 'bad') {
      const movedTo = file.replace(/\.json$/, `.corrupt-${now().toISOString().replace(/[:.]/g, '-')}.json`);
      renameSync(file, movedTo);
      health = { state: 'set-aside', movedTo, reason: found.reason };
    } else health = { state: found.kind === 'missing' ? 'created' : found.migrated ? 'migrated' : 'ok' };
    this.#backend = (options.createBackend ?? confBackend)(options.dataDir);
    this.path = this.#backend.path;
    this.#current = found.kind === 'ok' ? found.settings : defaultSettings();
    if (health.state !== 'ok') this.#backend.store = this.#current;
    this.health = health;
  }

  get(): Settings {
    return this.#current;
  }

  /** Applies a change, validates the result, and writes it. Throws (writing nothing) if invalid. */
  update(change: (current: Settings) => Settings): Settings {
    const next = Settings.parse(change(this.#current));
    this.#backend.store = next;
    this.#current = next;
    return next;
  }

  /** Re-reads the file (another process may have written it under the lock). */
  reload(): Settings {
    const found = inspect(this.path);
    if (found.kind === 'ok') this.#current = found.settings;
    return this.#current;
  }
}
