import { ONECLI_AGENT, parseListenAddress, type ListenAddress } from '../../shared/onecli-compat.js';
import type { OnecliCompatView, OnecliListener } from '../../shared/onecli-compat-api.js';
import type { ApprovalView } from '../../shared/control-api.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { isReferenceSubject } from '../agents/reference-scope.js';
import { ControlError } from '../control-error.js';
import type { CoreLogger, GatewayHandle } from '../core-deps.js';
import { ONECLI_COMPAT_SECRET } from '../secrets/secret-names.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { newGatewaySecret, secretMatcher } from './gateway-secret.js';
import type { OnecliAccess } from './onecli-access.js';
import { answer } from './onecli-answers.js';
import { startDoorServer, type DoorLimits, type DoorServer } from './onecli-server.js';

export interface OnecliCompatDeps {
  readonly settings: SettingsRepository;
  readonly secrets: SecretStore;
  readonly registry: Pick<AgentRegistry, 'list' | 'create'>;
  /** A new agent has a token like every agent: the gateway hears of it. */
  readonly gateway: Pick<GatewayHandle, 'sync'>;
  readonly approvals: { cancelWhere(match: (view: ApprovalView) => boolean): void };
  readonly access: OnecliAccess;
  readonly log: CoreLogger;
  readonly limits?: Partial<DoorLimits> | undefined;
}

const NEVER = () => false;

/** The `INTERNAL_API_URL` values for an address: this machine's, and a Docker container's. */
export function doorUrls(address: ListenAddress, port: number): { native: string; docker: string } {
  const v6 = address.host.includes(':');
  const host = address.unspecified ? (v6 ? '[::1]' : '127.0.0.1') : v6 ? `[${address.host}]` : address.host;
  const native = `http://${host}:${port}`;
  // Docker Desktop forwards host.docker.internal to this machine's loopback; a named
  // interface address is reached as itself (docs/onecli.md: Linux engines need one).
  return { native, docker: address.loopback || address.unspecified ? `http://host.docker.internal:${port}` : native };
}

/**
 * The OneCLI door's switch and lifecycle (issue 15): `enable` makes the gateway secret once (the
 * keychain) and the `onecli` agent if there is none, keeps `onecliCompat` in the settings and
 * starts the listener when the launcher runs; `disable` stops it. The core starts and stops the
 * listener with itself. Changes are applied one at a time, in order.
 */
export class OnecliCompatService {
  #running = false;
  #server: DoorServer | undefined;
  /** The host the listener was asked for (it reports `::` for `::`, but the settings' spelling is what we compare). */
  #bound: { host: string } | undefined;
  #listener: OnecliListener = { state: 'stopped' };
  #matches: (given: string | undefined) => boolean = NEVER;
  #applying: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OnecliCompatDeps) {}

  /** The launcher started: listen, if the door is on. */
  start(): Promise<void> {
    this.#running = true;
    return this.#apply();
  }

  /** The launcher stops: close the listener (and every connection). */
  stop(): Promise<void> {
    this.#running = false;
    return this.#apply();
  }

  async enable(listen: string | undefined): Promise<OnecliCompatView & { secret: string }> {
    const { settings, secrets, registry } = this.deps;
    let text = settings.get().onecliCompat.listen;
    if (listen !== undefined) {
      const parsed = parseListenAddress(listen);
      if ('error' in parsed) throw new ControlError('invalid_params', `--listen: ${parsed.error}.`);
      text = parsed.text;
    }
    let secret = await secrets.get(ONECLI_COMPAT_SECRET);
    if (!secret) {
      secret = newGatewaySecret();
      await secrets.set(ONECLI_COMPAT_SECRET, secret);
    }
    this.#matches = secretMatcher(secret);
    // Every reference, never asking: what upstream's own 1Password source does. The user narrows
    // it like any agent's (or creates `onecli` first, with the scope they want).
    if (!registry.list().some((a) => a.name === ONECLI_AGENT)) {
      await registry.create(ONECLI_AGENT);
      await this.deps.gateway.sync();
    }
    settings.update((s) => ({ ...s, onecliCompat: { enabled: true, listen: text } }));
    this.deps.access.invalidate();
    await this.#apply();
    return { ...(await this.status()), secret };
  }

  async disable(): Promise<OnecliCompatView> {
    this.deps.settings.update((s) => ({ ...s, onecliCompat: { ...s.onecliCompat, enabled: false } }));
    this.#offline();
    await this.#apply();
    return this.status();
  }

  /** Settings → Reset: off, and the secret forgotten (a later `enable` makes a new one). */
  async reset(): Promise<void> {
    this.deps.settings.update((s) => ({ ...s, onecliCompat: { ...s.onecliCompat, enabled: false } }));
    this.#offline();
    await this.deps.secrets.delete(ONECLI_COMPAT_SECRET);
    this.#matches = NEVER;
    await this.#apply();
  }

  /** Forget cached values: a source, a secret or a mapping changed. */
  invalidate(): void {
    this.deps.access.invalidate();
  }

  /** The agents were edited: consent the `onecli` agent no longer has ends at once, as at the gateway. */
  agentsChanged(): void {
    this.deps.access.agentsChanged();
  }

  async status(): Promise<OnecliCompatView> {
    const config = this.deps.settings.get().onecliCompat;
    const address = parseListenAddress(config.listen) as ListenAddress; // the settings schema keeps it canonical
    const port = this.#server?.port ?? address.port;
    const agent = this.deps.registry.list().find((a) => a.name === ONECLI_AGENT);
    const kept = await this.deps.secrets.get(ONECLI_COMPAT_SECRET).catch(() => undefined);
    return {
      enabled: config.enabled,
      listen: config.listen,
      exposure: address.loopback ? 'loopback' : 'network',
      listener: this.#listener,
      ...(port !== 0 ? { urls: doorUrls(address, port) } : {}),
      agent: agent ? { allow: agent.allow, policy: agent.policy, limits: agent.limits } : null,
      secretKept: kept !== undefined,
    };
  }

  /** Off: cached values go, and cards OneCLI is waiting on are not approved. */
  #offline(): void {
    this.deps.access.invalidate();
    this.deps.approvals.cancelWhere((a) => a.agent === ONECLI_AGENT && isReferenceSubject(a.mapping));
  }

  #apply(): Promise<void> {
    const next = this.#applying.then(() => this.#reconcile());
    this.#applying = next.catch(() => undefined);
    return next;
  }

  /** Makes the listener match the settings: listening on their address while the launcher runs and the door is on, closed otherwise. */
  async #reconcile(): Promise<void> {
    const config = this.deps.settings.get().onecliCompat;
    const address = parseListenAddress(config.listen) as ListenAddress;
    const wanted = this.#running && config.enabled;
    const moved = this.#server && (address.host !== this.#bound?.host || (address.port !== 0 && address.port !== this.#server.port));
    if (this.#server && (!wanted || moved)) {
      await this.#server.close();
      this.#server = undefined;
      this.#bound = undefined;
      this.deps.log.info({ door: 'onecli' }, 'OneCLI door closed');
    }
    if (!wanted) {
      this.#listener = { state: 'stopped' };
      return;
    }
    if (this.#server) return;
    const secret = await this.deps.secrets.get(ONECLI_COMPAT_SECRET).catch(() => undefined);
    if (!secret) {
      this.#listener = { state: 'failed', reason: 'The gateway secret is missing from the secret store: turn the door on again, which makes a new one.' };
      return;
    }
    this.#matches = secretMatcher(secret);
    try {
      this.#server = await startDoorServer({
        host: address.host,
        port: address.port,
        secretMatches: (given) => this.#matches(given),
        answer: (operation, body) => answer(this.deps.access, operation, body),
        log: this.deps.log,
        ...(this.deps.limits ? { limits: this.deps.limits } : {}),
      });
      this.#bound = { host: address.host };
      const where = `${address.text.replace(/:\d+$/, '')}:${this.#server.port}`;
      this.#listener = { state: 'listening', address: where };
      this.deps.log.info({ door: 'onecli', address: where, exposure: address.loopback ? 'loopback' : 'network' }, 'OneCLI door listening');
    } catch (err) {
      const errno = (err as NodeJS.ErrnoException).code;
      const reason = errno === 'EADDRINUSE' ? `${address.text} is in use by another program` : `cannot listen on ${address.text}${errno ? ` (${errno})` : ''}`;
      this.#listener = { state: 'failed', reason, ...(errno ? { errno: errno.slice(0, 32) } : {}) };
      this.deps.log.error({ door: 'onecli', address: address.text, errno }, 'OneCLI door did not start');
    }
  }
}
