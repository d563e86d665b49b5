import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { octal, secureDataDir } from './data-dir-permissions.js';
import type { CoreLogger, ShellHooks, VaultSources } from './core-deps.js';
import { LauncherCore } from './launcher-core.js';
import { napiKeyring } from './secrets/napi-keyring.js';
import { MemorySecretStore } from './secrets/memory-secret-store.js';
import { openSecretStore } from './secrets/open-secret-store.js';
import { SettingsRepository } from './settings/settings-repository.js';
import { forkSpawner, gatewayEnv, type Spawner } from './supervisor/spawner.js';
import { desktopSources } from './vault/desktop-sources.js';
import { nodeLocatorFs } from './vault/op-locator.js';
import { nodeExecFile } from './vault/op-runner.js';
import { ServiceAccountSource } from './vault/service-account-source.js';
import { readExtraCa } from './upstream-trust.js';
import type { KnownSecrets } from '../shared/log-redaction.js';
import { rememberingSecretStore, rememberingSources } from './logging/remember-secrets.js';

export interface OpenCoreOptions {
  readonly dataDir: string;
  readonly port?: number | undefined;
  readonly opPath?: string | undefined;
  /** A PEM file of extra upstream trust for this launch (`--extra-ca`, or NODE_EXTRA_CA_CERTS); the one chosen in Settings is used as well. */
  readonly extraCaFile?: string | undefined;
  /** The launcher's log file, shown in the UI. */
  readonly logFile?: string | undefined;
  readonly allowFileStore: boolean;
  /**
   * `serve` without a keychain and without the file opt-in keeps secrets in memory for that run
   * (nothing is stored; the CA and agent tokens change at every start). CLI commands that
   * would have to store something refuse instead.
   */
  readonly memoryWithoutKeychain?: boolean;
  readonly log: CoreLogger;
  /** The log's set of secrets to censor: every secret the core stores, reads or resolves is added to it. */
  readonly knownSecrets?: KnownSecrets;
  /** Headless: fork. The Electron shell passes its utilityProcess spawner. */
  readonly spawnGateway?: Spawner;
  readonly gatewayEntry?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** What the shell can do (the Electron app: login item, links, updates). */
  readonly shell?: ShellHooks;
}

/** The gateway program as built next to the core (dist/gateway/main.js). */
export const DEFAULT_GATEWAY_ENTRY = fileURLToPath(new URL('../gateway/main.js', import.meta.url));

/** Wires the real core: settings, keychain, 1Password sources, gateway spawner. Used by both shells. */
export async function openCore(options: OpenCoreOptions): Promise<LauncherCore> {
  const env = options.env ?? process.env;
  // Before anything is read from or written to it: agents trust the CA bundle written there.
  const secured = secureDataDir(options.dataDir);
  if (secured.tightenedFrom !== undefined)
    options.log.warn(
      { dataDir: options.dataDir, was: octal(secured.tightenedFrom), now: '0700' },
      'the data folder was open to other users; it is now closed to them',
    );
  if (secured.tightenedEntries.length)
    options.log.warn(
      { dataDir: options.dataDir, entries: secured.tightenedEntries },
      'other users could write these files in the data folder; they no longer can',
    );
  const settings = new SettingsRepository({ dataDir: options.dataDir });
  const opened = await openSecretStore({ dataDir: options.dataDir, allowFileStore: options.allowFileStore, keyring: napiKeyring() });
  let extraCaPem: string | undefined;
  let launchExtraCaFile: string | undefined;
  if (options.extraCaFile) {
    // Asked for on this launch: a bad file is an error of the launch, not a quiet omission.
    launchExtraCaFile = path.resolve(options.extraCaFile);
    const read = readExtraCa(launchExtraCaFile);
    if (!read.ok) throw new Error(`the extra CA (--extra-ca or NODE_EXTRA_CA_CERTS): ${read.problem} ${read.fix}`);
    extraCaPem = read.pem;
  }
  const inMemory = opened.description.kind === 'none' && options.memoryWithoutKeychain === true;
  const store = inMemory ? new MemorySecretStore() : opened.store;
  const known = options.knownSecrets;
  const secrets = known ? rememberingSecretStore(store, known) : store;
  const summary = inMemory
    ? `memory only: ${opened.description.summary} Until then, secrets live in memory for this run; the CA and agent tokens change at every start.`
    : opened.description.summary;
  const desktop = desktopSources({ execFile: nodeExecFile, env, clock: { now: Date.now }, fs: nodeLocatorFs }, options.opPath);
  const sources: VaultSources = { serviceAccount: (token) => new ServiceAccountSource(token), desktop: (account) => desktop.create(account) };
  return new LauncherCore({
    dataDir: options.dataDir,
    settings,
    secrets,
    secretStoreSummary: { kind: opened.description.kind === 'keychain' ? 'keychain' : opened.description.kind === 'file' ? 'file' : 'none', detail: summary },
    sources: known ? rememberingSources(sources, known) : sources,
    spawnGateway: options.spawnGateway ?? forkSpawner,
    gatewayEntry: options.gatewayEntry ?? DEFAULT_GATEWAY_ENTRY,
    gatewayEnv: gatewayEnv(env),
    port: options.port,
    extraCaPem,
    launchExtraCaFile,
    logFile: options.logFile,
    log: options.log,
    locateOp: desktop.locate,
    ...(options.shell ? { shell: options.shell } : {}),
  });
}
