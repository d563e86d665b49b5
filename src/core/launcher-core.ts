import { EventEmitter } from 'node:events';
import type { ControlEvent, DoctorCheck, NoticeId, StatusView } from '../shared/control-api.js';
import type { GatewayRuntimeConfig } from '../shared/gateway-config.js';
import type { ActivityEntry } from '../shared/gateway-messages.js';
import { withRemedyCommand } from '../shared/remedy.js';
import type { ResolveResult } from '../shared/vault-errors.js';
import { ActivityLog } from './activity-log.js';
import { DenialExpiry, recentDenials } from './policy/policy-denials.js';
import { AgentRegistry } from './agents/agent-registry.js';
import { AgentService } from './agents/agent-service.js';
import { approvalStanding, approvalTarget } from './approvals/approval-targets.js';
import { ApprovalService } from './approvals/approval-service.js';
import { CaService } from './ca/ca-service.js';
import { describeCa } from './ca/local-ca.js';
import { BrowserSessions } from './control/browser-sessions.js';
import { ControlError } from './control-error.js';
import type { CoreDeps, GatewayHandle } from './core-deps.js';
import { runDoctor, type DoctorSubject } from './doctor/doctor.js';
import { MappingService } from './mappings/mapping-service.js';
import { toGatewayMapping } from './mappings/mapping-rules.js';
import { MappingResolver } from './mappings/resolve-mapping.js';
import { NoticeBoard } from './notice-board.js';
import { OnecliAccess } from './onecli/onecli-access.js';
import { OnecliCompatService } from './onecli/onecli-compat-service.js';
import { LocalSecrets } from './secrets/local-secrets.js';
import { CONTROL_TOKEN } from './secrets/secret-names.js';
import { LauncherReset } from './settings/launcher-reset.js';
import { SettingsService } from './settings/settings-service.js';
import { GatewaySupervisor, type GatewayStatus } from './supervisor/gateway-supervisor.js';
import { combinedExtraCa } from './upstream-trust.js';
import { VaultService } from './vault/vault-service.js';

export type { CoreDeps, CoreLogger, ShellHooks, VaultSources } from './core-deps.js';

/**
 * The launcher core: everything stateful, in plain Node, the same inside the menu-bar app and
 * headless. It wires its services (each with its own private dependencies) and owns the
 * lifecycle: start, stop, status, events. The control-API handlers (control/control-handlers.ts)
 * only translate a call into one service call.
 */
export class LauncherCore {
  readonly mappings: MappingService;
  readonly agents: AgentService;
  /** Requests held for the user's approval (agents that ask first), and the answers. */
  readonly approvals: ApprovalService;
  readonly vault: VaultService;
  readonly localSecrets: LocalSecrets;
  readonly settings: SettingsService;
  readonly ca: CaService;
  readonly notices: NoticeBoard;
  readonly reset: LauncherReset;
  /** The running gateway: its status, sync and restart. */
  readonly gateway: GatewayHandle;
  /** Upstream OneCLI's 1Password API, served on its own listener when turned on (issue 15). */
  readonly onecli: OnecliCompatService;
  readonly events = new EventEmitter<{ event: [ControlEvent] }>();
  /** One-time sign-in codes and sessions for the headless UI in a browser. */
  readonly browserSessions: BrowserSessions;
  readonly #deps: CoreDeps;
  readonly #supervisor: GatewaySupervisor;
  readonly #registry: AgentRegistry;
  readonly #resolver: MappingResolver;
  readonly #activity = new ActivityLog();
  readonly #denialExpiry = new DenialExpiry(() => this.#emitStatus());
  readonly #now: () => Date;
  #controlUrl: string | undefined;
  #lastExtraCaProblem: string | undefined;

  constructor(deps: CoreDeps) {
    this.#deps = deps;
    const now = deps.now ?? (() => new Date());
    this.#now = now;
    const { settings, secrets } = deps;
    this.browserSessions = new BrowserSessions(() => now().getTime());
    this.#supervisor = new GatewaySupervisor({
      spawn: deps.spawnGateway,
      entry: deps.gatewayEntry,
      env: deps.gatewayEnv,
      buildConfig: () => this.#gatewayConfig(),
      resolve: (id) => this.#resolveForGateway(id),
      approve: (agent, id) => this.approvals.request(agent, id),
      onActivity: (entries) => this.#recordActivity(entries),
      onStatus: (status) => this.#onGatewayStatus(status),
      log: deps.log,
    });
    const supervisor = this.#supervisor;
    const configuredPort = () => this.port;
    this.gateway = {
      get status() {
        return supervisor.status;
      },
      get agentPort() {
        const gw = supervisor.status;
        return gw.state === 'running' ? gw.port : configuredPort();
      },
      sync: (changed) => this.#syncGateway(changed),
      // A gateway that does not come back is reported in its status (and the doctor); callers go on.
      restart: () => supervisor.restart().catch(() => undefined),
    };
    this.#registry = new AgentRegistry(settings, secrets, deps.now);
    const registry = this.#registry;
    this.approvals = new ApprovalService({
      describe: (id) => approvalTarget(settings.get(), id),
      standing: (agent, id) => approvalStanding(settings.get(), agent, id),
      keepAlways: (agent, id) => {
        registry.keepAlways(agent, id);
        this.gateway.sync().catch((err: Error) => deps.log.error({ reason: err.message }, 'could not send the agents to the gateway'));
      },
      onChange: (pending) => this.events.emit('event', { type: 'approvals', pending: [...pending] }),
      log: deps.log,
    });
    this.ca = new CaService({ dataDir: deps.dataDir, secrets, log: deps.log, gateway: this.gateway, systemRoots: deps.systemRoots, now: deps.now });
    this.notices = new NoticeBoard(settings, () => this.#emitStatus());
    this.vault = new VaultService({ settings, secrets, sources: deps.sources, gateway: this.gateway, now });
    this.#resolver = new MappingResolver({ settings, secrets, vaultSource: () => this.vault.source(), log: deps.log });
    this.agents = new AgentService({
      registry: this.#registry,
      settings,
      activity: this.#activity,
      gateway: this.gateway,
      ca: this.ca,
      approvals: this.approvals,
    });
    this.mappings = new MappingService({ settings, resolver: this.#resolver, gateway: this.gateway, agents: this.agents, ca: this.ca, now });
    this.localSecrets = new LocalSecrets({ secrets, settings, gateway: this.gateway });
    const onecliAccess = new OnecliAccess({
      settings,
      resolveReference: (reference) => this.#resolver.resolveReference(reference),
      source: () => this.vault.source(),
      ask: (agent, reference) => this.approvals.request(agent, reference),
      record: (entry) => this.#recordActivity([entry]),
      log: deps.log,
      clock: { now: () => now().getTime() },
    });
    this.onecli = new OnecliCompatService({
      settings,
      secrets,
      registry: this.#registry,
      gateway: this.gateway,
      approvals: this.approvals,
      access: onecliAccess,
      log: deps.log,
      limits: deps.onecliLimits,
    });
    this.settings = new SettingsService({
      settings,
      dataDir: deps.dataDir,
      gateway: this.gateway,
      portOverride: deps.port,
      launchExtraCaFile: deps.launchExtraCaFile,
      logFile: deps.logFile,
      shell: deps.shell,
    });
    this.reset = new LauncherReset({ settings, secrets, agents: this.#registry, gateway: this.gateway, approvals: this.approvals, onecli: this.onecli });
  }

  /** The configured gateway port (`--port`, else settings). */
  get port(): number {
    return this.#deps.port ?? this.#deps.settings.get().gateway.port;
  }

  /** Which secret store holds the secrets: `serve` keeps its control token there when it persists. */
  get secretStoreKind(): 'keychain' | 'file' | 'memory' | 'none' {
    return this.#deps.secrets.kind;
  }

  /**
   * The control token CLI commands present to `serve`: kept in the secret store when it persists
   * (so it survives restarts), else made for this run; `inRuntimeFile` when the CLI must read it
   * from the 0600 runtime file instead.
   */
  async controlToken(generate: () => string): Promise<{ token: string; inRuntimeFile: boolean }> {
    const { secrets } = this.#deps;
    const persistent = secrets.kind === 'keychain' || secrets.kind === 'file';
    let token = persistent ? await secrets.get(CONTROL_TOKEN).catch(() => undefined) : undefined;
    let inRuntimeFile = !persistent;
    if (!token) {
      token = generate();
      if (persistent) await secrets.set(CONTROL_TOKEN, token).catch(() => (inRuntimeFile = true));
    }
    return { token, inRuntimeFile };
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
    await this.ca.load();
    await this.#registry.ensureDefault();
    const reissued = await this.#registry.reissueMissingTokens();
    if (reissued.length)
      this.#deps.log.warn(
        { agents: reissued },
        'agent tokens were missing from the secret store and were reissued; run onecli-launcher env again for these agents',
      );
    await this.#supervisor.start().catch((err: Error) => this.#deps.log.error({ reason: err.message }, 'gateway did not start'));
    // A door that cannot listen is reported in its status (onecli-compat status), like the gateway.
    await this.onecli.start();
  }

  async stop(): Promise<void> {
    this.#denialExpiry.stop();
    await this.onecli.stop();
    await this.#supervisor.stop();
  }

  /** Restarts the gateway; its state afterwards (a failure shows there). */
  async restartGateway(): Promise<{ state: GatewayStatus['state'] }> {
    await this.gateway.restart();
    return { state: this.#supervisor.status.state };
  }

  /** Runs the doctor and tells every subscriber (the UI shows the result wherever it was asked for). */
  async doctor(only?: readonly string[]): Promise<DoctorCheck[]> {
    const checks = await runDoctor(this.#doctorSubject(), process.env, only);
    this.events.emit('event', { type: 'doctor', checks });
    return checks;
  }

  recentActivity(limit = 100): ActivityEntry[] {
    return this.#activity.recent(limit);
  }

  /** A shell problem the user should hear about once (unless they dismissed it before). */
  reportNotice(id: NoticeId): void {
    this.notices.report(id);
  }

  status(): StatusView {
    const settings = this.#deps.settings.get();
    const gw = this.#supervisor.status;
    const health = this.#deps.settings.health;
    const source = settings.source;
    const ca = this.ca.current;
    const notices = this.notices.list();
    return {
      gateway: {
        state: gw.state,
        port: gw.state === 'running' ? gw.port : this.port,
        ...(gw.state === 'running' ? { address: `127.0.0.1:${gw.port}`, ...(gw.pid ? { pid: gw.pid } : {}) } : {}),
        ...(gw.state === 'failed' ? { reason: gw.reason, ...(gw.errno ? { errno: gw.errno } : {}), output: [...gw.output] } : {}),
        ...(gw.state === 'restarting' ? { reason: `restarting in ${gw.inMs} ms after it ${gw.lastExit}` } : {}),
      },
      source: { kind: source.kind, ...(source.kind === 'desktop' && source.account ? { detail: source.account } : {}) },
      secretStore: this.#deps.secretStoreSummary,
      settings: {
        file: this.#deps.settings.path,
        health: health.state === 'set-aside' ? { kind: 'set-aside', movedTo: health.movedTo, reason: health.reason } : { kind: health.state },
      },
      ...(ca ? { ca: { certFile: ca.certFile, bundleFile: ca.bundleFile, ...describeCa(ca.ca.certPem) } } : {}),
      mappings: settings.mappings.length,
      agents: settings.agents.length,
      ...(this.#controlUrl ? { controlUrl: this.#controlUrl } : {}),
      ...(notices.length ? { notices } : {}),
      lastErrors: this.#activity.lastErrors(),
      policyDenials: recentDenials(this.#activity.recent(500), this.#now().getTime()),
    };
  }

  /** What the doctor may look at: a narrow view, so the doctor never reaches into the core. */
  #doctorSubject(): DoctorSubject {
    return {
      dataDir: this.#deps.dataDir,
      status: () => this.status(),
      listVaults: async () => (await (await this.vault.source()).listVaults()).length,
      ensureCa: () => this.ca.ensure(),
      extraCaView: () => this.settings.extraCaView(),
      locateOp: this.#deps.locateOp,
    };
  }

  /** The gateway answers agents in a terminal: a failure's remedy becomes the command to run. */
  async #resolveForGateway(mappingId: string): Promise<ResolveResult> {
    const result = await this.#resolver.resolve(mappingId);
    if (result.ok) return result;
    return { ok: false, code: result.code, message: withRemedyCommand(result.message, result.remedy).slice(0, 500) };
  }

  async #syncGateway(changedMappings?: readonly string[]): Promise<void> {
    this.#supervisor.send({ type: 'set-mappings', mappings: this.#deps.settings.get().mappings.map(toGatewayMapping) });
    this.#supervisor.send({ type: 'set-agents', agents: await this.#registry.credentials() });
    // Sessions the onecli agent no longer has end with its edit, as the gateway's do with set-agents.
    this.onecli.agentsChanged();
    if (changedMappings) {
      this.#supervisor.send({ type: 'invalidate', mappingIds: [...changedMappings] });
      // The OneCLI door caches by reference: a source paired or a secret changed may change any of them.
      this.onecli.invalidate();
    }
    this.#emitStatus();
  }

  async #gatewayConfig(): Promise<GatewayRuntimeConfig> {
    const ca = await this.ca.ensure();
    const settings = this.#deps.settings.get();
    // Read at every start: a renewed file is picked up by a restart. A file that went bad does
    // not stop the gateway (the doctor and Settings say what is wrong); it starts without it.
    const chosen = this.settings.chosenExtraCa();
    if (chosen && !chosen.ok && chosen.problem !== this.#lastExtraCaProblem)
      this.#deps.log.warn({ file: chosen.file, problem: chosen.problem }, 'the extra CA in settings is not used');
    this.#lastExtraCaProblem = chosen && !chosen.ok ? chosen.problem : undefined;
    const extraCaPem = combinedExtraCa([this.#deps.extraCaPem, chosen?.ok ? chosen.pem : undefined]);
    return {
      listen: { host: '127.0.0.1', port: this.port },
      ca: { certPem: ca.ca.certPem, keyPem: ca.ca.keyPem },
      ...(extraCaPem ? { extraCaPem } : {}),
      agents: await this.#registry.credentials(),
      mappings: settings.mappings.map(toGatewayMapping),
      logLevel: 'info',
      timeouts: { handshakeMs: 10_000, headersMs: 30_000, idleMs: 300_000, keepAliveMs: 30_000, upstreamConnectMs: 15_000, resolveMs: 90_000 },
    };
  }

  #recordActivity(entries: ActivityEntry[]): void {
    this.#activity.record(entries);
    this.events.emit('event', { type: 'activity', entries });
    // Status carries the last errors: keep subscribers' copy current.
    if (entries.some((e) => e.error)) this.#emitStatus();
  }

  #onGatewayStatus(status: GatewayStatus): void {
    if (status.state === 'failed') this.#deps.log.error({ reason: status.reason }, 'gateway failed');
    this.#emitStatus();
  }

  #emitStatus(): void {
    const status = this.status();
    this.#denialExpiry.watch(status.policyDenials, this.#now().getTime());
    this.events.emit('event', { type: 'status', status });
  }
}
