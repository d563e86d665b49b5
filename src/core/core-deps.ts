import type { LoginItemStatus } from '../shared/control-api.js';
import type { DoorLimits } from './onecli/onecli-server.js';
import type { CoreLogger } from './logging/core-logger.js';
import type { SecretStore } from './secrets/secret-store.js';
import type { SettingsRepository } from './settings/settings-repository.js';
import type { GatewayStatus } from './supervisor/gateway-supervisor.js';
import type { Spawner } from './supervisor/spawner.js';
import type { OpLocation } from './vault/op-locator.js';
import type { VaultSource } from './vault/vault-source.js';

/** Builds 1Password sources; the shells wire the real ones, tests may pass doubles. */
export interface VaultSources {
  serviceAccount(token: string): VaultSource;
  desktop(account?: string): VaultSource;
}

export type { CoreLogger };

/** What the shell around the core can do (the Electron app more than headless). */
export interface ShellHooks {
  readonly platform: NodeJS.Platform;
  /** `status` is the system's (macOS SMAppService), when it says one. */
  readonly launchAtLogin?: { get(): { enabled: boolean; status?: LoginItemStatus | undefined }; set(enabled: boolean): void };
  readonly openExternal?: (url: string) => Promise<void>;
  /** A native open-file dialog; undefined when the user cancels. */
  readonly chooseFile?: (request: { title: string; extensions: readonly string[] }) => Promise<string | undefined>;
  /** Shows a file in the file manager (Finder). */
  readonly revealFile?: (file: string) => void;
  readonly updates?: boolean;
  /** The user turned update checks on or off. */
  readonly onUpdatesPreference?: (enabled: boolean) => void;
}

/** Everything the core is built from: wired for real in open-core.ts, with doubles in tests. Private to the core once given. */
export interface CoreDeps {
  readonly dataDir: string;
  readonly settings: SettingsRepository;
  readonly secrets: SecretStore;
  /** Which store is in use, for status and doctor. */
  readonly secretStoreSummary: { kind: 'keychain' | 'file' | 'none'; detail: string };
  readonly sources: VaultSources;
  readonly spawnGateway: Spawner;
  readonly gatewayEntry: string;
  readonly gatewayEnv: Record<string, string>;
  /** `--port`: overrides the settings for this run. */
  readonly port?: number | undefined;
  /** `--extra-ca` / NODE_EXTRA_CA_CERTS: more upstream trust for this launch, passed in the gateway's config. */
  readonly extraCaPem?: string | undefined;
  /** The file `extraCaPem` came from, for status and doctor. */
  readonly launchExtraCaFile?: string | undefined;
  /** The launcher's log file, for the UI ("see its log"). */
  readonly logFile?: string | undefined;
  readonly log: CoreLogger;
  /** Finds every `op` install (doctor, desktop source). */
  readonly locateOp: () => Promise<OpLocation>;
  readonly now?: () => Date;
  readonly systemRoots?: () => string;
  readonly shell?: ShellHooks;
  /** The OneCLI door's limits (timeouts, sizes); tests shorten them. */
  readonly onecliLimits?: Partial<DoorLimits> | undefined;
}

/** The running gateway as the core's services see it: they change settings, then sync or restart. */
export interface GatewayHandle {
  readonly status: GatewayStatus;
  /** The port agents reach: the one it listens on, or the configured one while it is down. */
  readonly agentPort: number;
  /** Pushes mapping and agent changes to the running gateway at once (and tells subscribers). */
  sync(changedMappings?: readonly string[]): Promise<void>;
  /** Stops and starts it; a failure to start shows in its status, it is not thrown. */
  restart(): Promise<void>;
}
