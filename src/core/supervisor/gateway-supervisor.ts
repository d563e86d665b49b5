import type { RateCounter } from '../../shared/agent-policy.js';
import type { ApprovalDecision } from '../../shared/approval.js';
import type { GatewayRuntimeConfig } from '../../shared/gateway-config.js';
import { FromGateway, type ActivityEntry, type ToGatewayInput } from '../../shared/gateway-messages.js';
import type { ResolveResult } from '../../shared/vault-errors.js';
import type { CoreLogger } from '../logging/core-logger.js';
import { relayGatewayLine } from '../logging/gateway-lines.js';
import { OutputTail } from './output-tail.js';
import { RateCounterStore } from './rate-counters.js';
import { afterCrash } from './restart-policy.js';
import type { GatewayChild, Spawner } from './spawner.js';

export type GatewayStatus =
  | { readonly state: 'stopped' }
  | { readonly state: 'starting' }
  | { readonly state: 'running'; readonly port: number; readonly pid: number | undefined; readonly since: number }
  | { readonly state: 'restarting'; readonly inMs: number; readonly lastExit: string }
  | { readonly state: 'failed'; readonly reason: string; readonly errno?: string | undefined; readonly output: readonly string[] };

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SupervisorDeps {
  readonly spawn: Spawner;
  readonly entry: string;
  readonly env: Record<string, string>;
  /** Built fresh for every (re)start: CA, agents, mappings, port. */
  readonly buildConfig: () => Promise<GatewayRuntimeConfig>;
  readonly resolve: (mappingId: string) => Promise<ResolveResult>;
  readonly onActivity?: (entries: ActivityEntry[]) => void;
  /** Gets the user's answer when an agent that asks wants a mapping (issue 12). */
  readonly approve?: (agent: string, mappingId: string) => Promise<{ decision: ApprovalDecision; expiresAt?: number }>;
  readonly onStatus?: (status: GatewayStatus) => void;
  readonly onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** The launcher's log: the gateway's own lines are written into it (component `gateway`). */
  readonly log?: CoreLogger;
  readonly timers?: Timers;
  readonly stopGraceMs?: number;
  readonly readyTimeoutMs?: number;
}

const realTimers: Timers = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

/**
 * Keeps the gateway running: starts it, feeds it config and updates, answers its resolve
 * requests, restarts it with backoff when it dies, gives up on a crash loop (reporting its
 * last output), and stops it gracefully, then forcibly.
 */
export class GatewaySupervisor {
  #child: GatewayChild | undefined;
  #status: GatewayStatus = { state: 'stopped' };
  #crashes: number[] = [];
  #stopping = false;
  #restartTimer: unknown;
  readonly #tail = new OutputTail();
  /** Rate-limit counters, kept here so they survive the gateway (not the launcher). */
  readonly #rates = new RateCounterStore();
  readonly #timers: Timers;
  readonly #gatewayLog: CoreLogger | undefined;

  constructor(private readonly deps: SupervisorDeps) {
    this.#timers = deps.timers ?? realTimers;
    // The gateway filters by the level in its config; everything it prints is kept.
    this.#gatewayLog = deps.log?.child({ component: 'gateway' }, { level: 'trace' });
  }

  get status(): GatewayStatus {
    return this.#status;
  }

  /** The rate-limit counters of windows still running, as the gateway last reported them. */
  rateCounters(): RateCounter[] {
    return this.#rates.snapshot(this.#timers.now());
  }

  /** Resolves once the gateway listens; rejects when it cannot start (port in use, bad config). */
  async start(): Promise<void> {
    this.#stopping = false;
    this.#crashes = [];
    await this.#spawnOnce();
  }

  send(message: ToGatewayInput): void {
    if (this.#status.state === 'running') this.#child?.send(message);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer !== undefined) this.#timers.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    const child = this.#child;
    if (!child) return this.#setStatus({ state: 'stopped' });
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    child.send({ type: 'shutdown' });
    const grace = new Promise<'timeout'>((resolve) => this.#timers.setTimeout(() => resolve('timeout'), this.deps.stopGraceMs ?? 3_000));
    if ((await Promise.race([exited, grace])) === 'timeout') {
      child.kill();
      await Promise.race([exited, new Promise((r) => this.#timers.setTimeout(() => r(undefined), 2_000))]);
    }
    this.#child = undefined;
    this.#setStatus({ state: 'stopped' });
  }

  #setStatus(status: GatewayStatus): void {
    this.#status = status;
    this.deps.onStatus?.(status);
  }

  #spawnOnce(): Promise<void> {
    this.#setStatus({ state: 'starting' });
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        this.#timers.clearTimeout(readyTimer);
        if (err) reject(err);
        else resolve();
      };
      const child = this.deps.spawn(this.deps.entry, this.deps.env);
      this.#child = child;
      let fatal: string | undefined;
      let fatalErrno: string | undefined;
      const readyTimer = this.#timers.setTimeout(() => {
        fatal = 'the gateway did not start listening in time';
        child.kill();
      }, this.deps.readyTimeoutMs ?? 15_000);

      child.onOutput((line, stream) => {
        // Into the launcher's log, rotated with it; the tail keeps the last lines for a crash report.
        this.#tail.push(this.#gatewayLog ? relayGatewayLine(this.#gatewayLog, line, stream) : line);
        this.deps.onOutput?.(line, stream);
      });
      child.onMessage((raw) => {
        const parsed = FromGateway.safeParse(raw);
        if (!parsed.success) return;
        const msg = parsed.data;
        switch (msg.type) {
          case 'ready':
            this.#setStatus({ state: 'running', port: msg.address.port, pid: child.pid, since: this.#timers.now() });
            return settle();
          case 'fatal':
            fatal = msg.message;
            fatalErrno = msg.errno;
            return;
          case 'resolve':
            this.deps.resolve(msg.mappingId).then(
              (result) => child.send({ type: 'resolved', requestId: msg.requestId, result }),
              () =>
                child.send({
                  type: 'resolved',
                  requestId: msg.requestId,
                  result: { ok: false, code: 'unavailable', message: 'The launcher failed to resolve this mapping; see its log.' },
                }),
            );
            return;
          case 'activity':
            this.deps.onActivity?.(msg.entries);
            return;
          case 'rate-usage':
            this.#rates.report(msg.counters);
            return;
          case 'approval-request': {
            // No one to ask (no approval service wired): the request is not approved.
            const ask = this.deps.approve ?? (async () => ({ decision: 'timeout' as const }));
            ask(msg.agent, msg.mappingId).then(
              (answer) => child.send({ type: 'approval', requestId: msg.requestId, ...answer }),
              () => child.send({ type: 'approval', requestId: msg.requestId, decision: 'timeout' }),
            );
            return;
          }
        }
      });
      child.onExit((code, signal) => {
        if (this.#child === child) this.#child = undefined;
        const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
        if (this.#stopping) return settle();
        if (fatal !== undefined) {
          // A gateway that cannot start will not start on retry either: say why and stop.
          this.#setStatus({ state: 'failed', reason: fatal, ...(fatalErrno ? { errno: fatalErrno } : {}), output: this.#tail.lines() });
          return settle(new Error(fatal));
        }
        this.#crashes.push(this.#timers.now());
        const decision = afterCrash(this.#crashes, this.#timers.now());
        if (decision === 'give-up') {
          const reason = `the gateway crashed ${this.#crashes.length} times in a minute (last: ${how}); restart it after fixing the cause`;
          this.#setStatus({ state: 'failed', reason, output: this.#tail.lines() });
          return settle(new Error(reason));
        }
        this.#setStatus({ state: 'restarting', inMs: decision.delayMs, lastExit: how });
        this.#restartTimer = this.#timers.setTimeout(() => {
          this.#restartTimer = undefined;
          // A failure here is reported through status; the first start's caller already returned.
          this.#spawnOnce().catch(() => undefined);
        }, decision.delayMs);
        settle(new Error(`the gateway ${how} while starting`));
      });

      this.deps.buildConfig().then(
        (config) => child.send({ type: 'configure', config, rateCounters: this.#rates.snapshot(this.#timers.now()) }),
        (err: Error) => {
          fatal = `cannot build the gateway config: ${err.message}`;
          child.kill();
        },
      );
    });
  }
}
