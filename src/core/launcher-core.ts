import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { NOTICES, type ControlEvent, type ExtraCaView, type LoginItemStatus, type NoticeId, type StatusView } from '../shared/control-api.js';
import type { GatewayRuntimeConfig } from '../shared/gateway-config.js';
import type { ActivityEntry } from '../shared/gateway-messages.js';
import { parseSecretReference } from '../shared/secret-reference.js';
import type { ResolveResult } from '../shared/vault-errors.js';
import { AgentRegistry } from './agents/agent-registry.js';
import { BrowserSessions } from './control/browser-sessions.js';
import { ControlError } from './control-error.js';
import { loadOrCreateCa, type CaState } from './ca/ca-manager.js';
import { systemRootsPem } from './ca/ca-files.js';
import { describeCa } from './ca/local-ca.js';
import { writeFileAtomic } from './files/write-file-atomic.js';
import { toGatewayMapping } from './mappings/mapping-rules.js';
import { localSecretName } from './secrets/secret-names.js';
import type { SecretStore } from './secrets/secret-store.js';
import type { SettingsRepository } from './settings/settings-repository.js';
import { GatewaySupervisor, type GatewayStatus } from './supervisor/gateway-supervisor.js';
import type { Spawner } from './supervisor/spawner.js';
import { VaultError } from './vault/vault-error.js';
import type { VaultSource } from './vault/vault-source.js';
import type { OpLocation } from './vault/op-locator.js';
import type { DoctorCheck } from '../shared/control-api.js';
import { runDoctor } from './doctor/doctor.js';
import { combinedExtraCa, readExtraCa, type ExtraCaRead } from './upstream-trust.js';

/** Builds 1Password sources; the shells wire the real ones, tests may pass doubles. */
export interface VaultSources {
  serviceAccount(token: string): VaultSource;
  desktop(account?: string): VaultSource;
}

export interface CoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

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
}

const ACTIVITY_KEPT = 500;
const ERRORS_KEPT = 20;

/**
 * The launcher core: everything stateful, in plain Node, the same inside the menu-bar app and
 * headless. The control-API handlers (control/control-handlers.ts) are its public face.
 */
export class LauncherCore {
  readonly agents: AgentRegistry;
  readonly supervisor: GatewaySupervisor;
  readonly events = new EventEmitter<{ event: [ControlEvent] }>();
  /** One-time sign-in codes and sessions for the headless UI in a browser. */
  readonly browserSessions: BrowserSessions;
  #ca: CaState | undefined;
  #activity: ActivityEntry[] = [];
  #controlUrl: string | undefined;
  readonly #notices = new Set<NoticeId>();
  #lastExtraCaProblem: string | undefined;

  constructor(readonly deps: CoreDeps) {
    this.agents = new AgentRegistry(deps.settings, deps.secrets, deps.now);
    const now = deps.now;
    this.browserSessions = new BrowserSessions(now ? () => now().getTime() : Date.now);
    this.supervisor = new GatewaySupervisor({
      spawn: deps.spawnGateway,
      entry: deps.gatewayEntry,
      env: deps.gatewayEnv,
      buildConfig: () => this.#gatewayConfig(),
      resolve: (id) => this.resolve(id),
      onActivity: (entries) => this.#recordActivity(entries),
      onStatus: (status) => this.#onGatewayStatus(status),
    });
  }

  /** The configured gateway port (`--port`, else settings). */
  get port(): number {
    return this.deps.port ?? this.deps.settings.get().gateway.port;
  }

  /** Where agents reach the gateway: the port it listens on, or the configured one while it is down. */
  get agentPort(): number {
    const gw = this.supervisor.status;
    return gw.state === 'running' ? gw.port : this.port;
  }

  /** The local CA, loaded (or created) on first use: commands that never need it work without a keychain. */
  async ensureCa(): Promise<CaState> {
    return this.#ca ?? (await this.loadCa());
  }

  setControlUrl(url: string): void {
    this.#controlUrl = url;
  }

  /** A sign-in link for the headless UI: the one-time code rides in the fragment, which browsers never send. */
  uiLoginUrl(): string {
    if (!this.#controlUrl) throw new ControlError('unavailable', 'The UI is served only while onecli-launcher serve runs.');
    return `${this.#controlUrl}/#login=${this.browserSessions.issueCode()}`;
  }

  /** Loads the CA, makes sure one agent exists, and starts the gateway. A gateway that fails is reported in status, not thrown. */
  async start(): Promise<void> {
    await this.loadCa();
    await this.agents.ensureDefault();
    const reissued = await this.agents.reissueMissingTokens();
    if (reissued.length)
      this.deps.log.warn(
        { agents: reissued },
        'agent tokens were missing from the secret store and were reissued; run onecli-launcher env again for these agents',
      );
    await this.supervisor.start().catch((err: Error) => this.deps.log.error({ reason: err.message }, 'gateway did not start'));
  }

  async loadCa(rotate = false): Promise<CaState> {
    this.#ca = await loadOrCreateCa(
      {
        dataDir: this.deps.dataDir,
        secrets: this.deps.secrets,
        readFile: (file) => {
          try {
            return readFileSync(file, 'utf8');
          } catch {
            return undefined;
          }
        },
        writeFileAtomic: (file, data, mode) => writeFileAtomic(file, data, mode),
        systemRoots: this.deps.systemRoots ?? (() => systemRootsPem()),
        ...(this.deps.now ? { now: this.deps.now } : {}),
      },
      { rotate },
    );
    if (this.#ca.created) this.deps.log.info({ certFile: this.#ca.certFile, rotated: rotate }, 'local CA created');
    return this.#ca;
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
  }

  /** Pushes mapping and agent changes to the running gateway at once. */
  async syncGateway(changedMappings?: readonly string[]): Promise<void> {
    this.supervisor.send({ type: 'set-mappings', mappings: this.deps.settings.get().mappings.map(toGatewayMapping) });
    this.supervisor.send({ type: 'set-agents', agents: await this.agents.credentials() });
    if (changedMappings) this.supervisor.send({ type: 'invalidate', mappingIds: [...changedMappings] });
    this.#emitStatus();
  }

  /** The current 1Password source, or a VaultError that says how to connect one. */
  async vaultSource(): Promise<VaultSource> {
    const source = this.deps.settings.get().source;
    if (source.kind === 'desktop') return this.deps.sources.desktop(source.account);
    if (source.kind === 'service-account') {
      const token = await this.deps.secrets.get('service-account-token');
      if (token) return this.deps.sources.serviceAccount(token);
      throw new VaultError('auth_required', 'The service-account token is missing from the keychain: pair again with onecli-launcher pair --service-account -');
    }
    throw new VaultError('auth_required', 'No 1Password source is connected: run onecli-launcher pair --service-account - (or --desktop).');
  }

  /** A mapping's value, for the gateway. Failures carry the shared code and a fix; never the value. */
  async resolve(mappingId: string): Promise<ResolveResult> {
    const mapping = this.deps.settings.get().mappings.find((m) => m.host === mappingId);
    if (!mapping) return { ok: false, code: 'not_found', message: `No mapping named ${mappingId.slice(0, 100)}; it may have just been removed.` };
    const reference = parseSecretReference(mapping.reference);
    if ('error' in reference) return { ok: false, code: 'bad_reference', message: `The mapping for ${mapping.host}: the reference ${reference.error}.` };
    try {
      if (reference.kind === 'local') {
        const value = await this.deps.secrets.get(localSecretName(reference.name));
        if (!value)
          return { ok: false, code: 'not_found', message: `No local secret "${reference.name}": set it with onecli-launcher secrets set ${reference.name} -` };
        return { ok: true, value };
      }
      const value = await (await this.vaultSource()).resolve(mapping.reference);
      if (!value) return { ok: false, code: 'not_found', message: `${mapping.reference} is empty in 1Password.` };
      return { ok: true, value };
    } catch (err) {
      if (err instanceof VaultError) return { ok: false, code: err.code, message: err.fix };
      this.deps.log.error({ mapping: mapping.host, kind: err instanceof Error ? err.name : typeof err }, 'resolve failed unexpectedly');
      return { ok: false, code: 'unavailable', message: 'Resolving this mapping failed unexpectedly; see the launcher log.' };
    }
  }

  /**
   * The extra CA chosen in settings, read now (the file may have changed since it was chosen).
   * undefined when none is set.
   */
  settingsExtraCa(): ExtraCaRead | undefined {
    const file = this.deps.settings.get().upstream.extraCaFile;
    return file ? readExtraCa(file) : undefined;
  }

  /** Extra upstream trust as the UI and doctor show it. */
  extraCaView(): ExtraCaView {
    const read = this.settingsExtraCa();
    const launchFile = this.deps.launchExtraCaFile ? { launchFile: this.deps.launchExtraCaFile } : {};
    if (!read)
      return { state: 'none', detail: this.deps.launchExtraCaFile ? 'none chosen in Settings' : "none: the gateway trusts Node's public roots", ...launchFile };
    if (!read.ok) return { file: read.file, state: 'problem', detail: read.problem, fix: read.fix, ...launchFile };
    return { file: read.file, state: 'ok', detail: `${read.subjects.length} certificate(s): ${read.subjects.join(', ')}`, ...launchFile };
  }

  /** A shell problem the user should hear about once (unless they dismissed it before). */
  reportNotice(id: NoticeId): void {
    if (this.#notices.has(id) || this.deps.settings.get().preferences.dismissedNotices.includes(id)) return;
    this.#notices.add(id);
    this.#emitStatus();
  }

  dismissNotice(id: NoticeId): void {
    this.#notices.delete(id);
    this.deps.settings.update((s) => ({
      ...s,
      preferences: { ...s.preferences, dismissedNotices: [...new Set([...s.preferences.dismissedNotices, id])].slice(-32) },
    }));
    this.#emitStatus();
  }

  /** Runs the doctor and tells every subscriber (the UI shows the result wherever it was asked for). */
  async doctor(only?: readonly string[]): Promise<DoctorCheck[]> {
    const checks = await runDoctor(this, this.deps.locateOp, process.env, only);
    this.events.emit('event', { type: 'doctor', checks });
    return checks;
  }

  recentActivity(limit = 100): ActivityEntry[] {
    return this.#activity.slice(-limit);
  }

  status(): StatusView {
    const settings = this.deps.settings.get();
    const gw = this.supervisor.status;
    const health = this.deps.settings.health;
    const source = settings.source;
    return {
      gateway: {
        state: gw.state,
        port: gw.state === 'running' ? gw.port : this.port,
        ...(gw.state === 'running' ? { address: `127.0.0.1:${gw.port}`, ...(gw.pid ? { pid: gw.pid } : {}) } : {}),
        ...(gw.state === 'failed' ? { reason: gw.reason, fix: gatewayFix(gw.reason, this.port), output: [...gw.output] } : {}),
        ...(gw.state === 'restarting' ? { reason: `restarting in ${gw.inMs} ms after it ${gw.lastExit}` } : {}),
      },
      source: { kind: source.kind, ...(source.kind === 'desktop' && source.account ? { detail: source.account } : {}) },
      secretStore: this.deps.secretStoreSummary,
      settings: {
        file: this.deps.settings.path,
        health: health.state === 'set-aside' ? `a corrupt settings file was moved to ${health.movedTo} (${health.reason}); defaults are in use` : health.state,
      },
      ...(this.#ca ? { ca: { certFile: this.#ca.certFile, bundleFile: this.#ca.bundleFile, ...describeCa(this.#ca.ca.certPem) } } : {}),
      mappings: settings.mappings.length,
      agents: settings.agents.length,
      ...(this.#controlUrl ? { controlUrl: this.#controlUrl } : {}),
      ...(this.#notices.size ? { notices: [...this.#notices].map((id) => ({ id, ...NOTICES[id] })) } : {}),
      lastErrors: this.#activity
        .filter((e) => e.error)
        .slice(-ERRORS_KEPT)
        .map((e) => ({ at: e.at, mapping: e.mapping, code: e.error as string, host: e.host })),
    };
  }

  async #gatewayConfig(): Promise<GatewayRuntimeConfig> {
    const ca = await this.ensureCa();
    const settings = this.deps.settings.get();
    // Read at every start: a renewed file is picked up by a restart. A file that went bad does
    // not stop the gateway (the doctor and Settings say what is wrong); it starts without it.
    const chosen = this.settingsExtraCa();
    if (chosen && !chosen.ok && chosen.problem !== this.#lastExtraCaProblem)
      this.deps.log.warn({ file: chosen.file, problem: chosen.problem }, 'the extra CA in settings is not used');
    this.#lastExtraCaProblem = chosen && !chosen.ok ? chosen.problem : undefined;
    const extraCaPem = combinedExtraCa([this.deps.extraCaPem, chosen?.ok ? chosen.pem : undefined]);
    return {
      listen: { host: '127.0.0.1', port: this.port },
      ca: { certPem: ca.ca.certPem, keyPem: ca.ca.keyPem },
      ...(extraCaPem ? { extraCaPem } : {}),
      agents: await this.agents.credentials(),
      mappings: settings.mappings.map(toGatewayMapping),
      logLevel: 'warn',
      timeouts: { handshakeMs: 10_000, headersMs: 30_000, idleMs: 300_000, keepAliveMs: 30_000, upstreamConnectMs: 15_000, resolveMs: 90_000 },
    };
  }

  #recordActivity(entries: ActivityEntry[]): void {
    this.#activity.push(...entries);
    if (this.#activity.length > ACTIVITY_KEPT) this.#activity = this.#activity.slice(-ACTIVITY_KEPT);
    this.events.emit('event', { type: 'activity', entries });
    // Status carries the last errors: keep subscribers' copy current.
    if (entries.some((e) => e.error)) this.#emitStatus();
  }

  #onGatewayStatus(status: GatewayStatus): void {
    if (status.state === 'failed') this.deps.log.error({ reason: status.reason }, 'gateway failed');
    this.#emitStatus();
  }

  #emitStatus(): void {
    this.events.emit('event', { type: 'status', status: this.status() });
  }
}

/** What to do when the gateway could not start or keeps crashing. */
export function gatewayFix(reason: string, port: number): string {
  if (reason.includes('EADDRINUSE')) return `Port ${port} is taken by another program: stop it, or pick another port in Settings (or start with --port).`;
  if (reason.includes('EACCES')) return `Port ${port} may not be used by this user: pick a port above 1024 in Settings (or --port).`;
  if (reason.includes('crashed')) return 'Restart the gateway; if it keeps crashing, the last lines it printed (below) say why.';
  return 'Restart the gateway; run onecli-launcher doctor if it fails again.';
}
