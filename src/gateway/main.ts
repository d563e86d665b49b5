/**
 * The gateway program. Two ways to run it:
 *   node dist/gateway/main.js --config FILE   standalone (tests, benchmarks; docs/gateway.md)
 *   forked by the launcher                    driven over the inherited IPC channel
 */
import { applyHeapLimits } from './heap-limits.js';
import { ToGateway } from '../shared/gateway-messages.js';
import { ConfigError, environmentSource, loadConfigFile } from './config-file.js';
import { startGateway, type RunningGateway } from './gateway.js';
import { nodeIpcChannel, parentPortChannel, type LauncherChannel, type ParentPortLike } from './launcher-channel.js';
import { LauncherApprover } from './launcher-approver.js';
import { LauncherResolver } from './launcher-resolver.js';
import { keepServingOnUncaught } from './fault-isolation.js';
import { chooseUpstreamLeg } from './upstream-leg-choice.js';
import { createLogger, describeError, type Logger } from './log.js';
import { KnownSecrets } from '../shared/log-redaction.js';
import type { ResolveResult } from '../shared/vault-errors.js';

const EXIT_BAD_CONFIG = 2;
const EXIT_LISTEN_FAILED = 3;
/** How long a shutdown waits for the last messages to reach the launcher (its own grace is 3 s). */
const SHUTDOWN_DRAIN_MS = 1_000;

function configPathFrom(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (i === -1) return undefined;
  const arg = argv[i] as string;
  return arg.includes('=') ? arg.slice('--config='.length) : argv[i + 1];
}

function fail(line: string, code: number): never {
  process.stderr.write(`onecli gateway: ${line}\n`);
  process.exit(code);
}

function stopOnSignals(gateway: RunningGateway, log: Logger): void {
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    void gateway.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function runStandalone(file: string): Promise<void> {
  let config;
  try {
    config = loadConfigFile(file, process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`bad config ${file}: ${err.message}`, EXIT_BAD_CONFIG);
    throw err;
  }
  // The tokens and values it holds are censored wherever a log line would carry them.
  const known = new KnownSecrets();
  for (const agent of config.runtime.agents) known.add(agent.token);
  for (const values of config.values.values()) for (const value of values) known.add(value);
  const log = createLogger(config.runtime.logLevel, undefined, known);
  keepServingOnUncaught(log);
  for (const warning of config.warnings) log.warn({ file }, `config: ${warning}`);
  let gateway: RunningGateway;
  try {
    const responseScan = process.env.ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN !== '1';
    if (!responseScan) log.warn('responses are NOT scanned for injected values (ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN=1): for benchmarks only');
    const { leg: upstreamLeg, warning: legWarning } = chooseUpstreamLeg(process.env);
    if (legWarning) log.warn(legWarning);
    const bufferReclaim = process.env.ONECLI_BENCH_NO_BUFFER_RECLAIM !== '1';
    if (!bufferReclaim) log.warn('relayed bodies do not prompt a minor GC (ONECLI_BENCH_NO_BUFFER_RECLAIM=1): for benchmarks only');
    gateway = await startGateway(config.runtime, { log, resolve: environmentSource(config.values), responseScan, upstreamLeg, bufferReclaim });
  } catch (err) {
    const { code, message } = describeError(err);
    if (code === 'EADDRINUSE')
      fail(`cannot listen on ${config.runtime.listen.host}:${config.runtime.listen.port}: the port is in use; pick another "listen" port`, EXIT_LISTEN_FAILED);
    if (code) fail(`cannot listen on ${config.runtime.listen.host}:${config.runtime.listen.port} (${code})`, EXIT_LISTEN_FAILED);
    fail(`bad config ${file}: ca: ${message}`, EXIT_BAD_CONFIG);
  }
  stopOnSignals(gateway, log);
}

/** A resolved value is censored in this gateway's log lines from the moment it arrives. */
function remembering(known: KnownSecrets, resolve: (mappingId: string) => Promise<ResolveResult>) {
  return async (mappingId: string): Promise<ResolveResult> => {
    const result = await resolve(mappingId);
    if (result.ok) for (const value of [result.value, ...(result.more ?? [])]) known.add(value);
    return result;
  };
}

function runWithLauncher(channel: LauncherChannel): void {
  // Agent tokens and resolved values, censored wherever a log line would carry them.
  const known = new KnownSecrets();
  let log = createLogger('info', undefined, known);
  let gateway: RunningGateway | undefined;
  let starting = false;
  let resolveTimeoutMs = 90_000;
  const resolver = new LauncherResolver(channel, () => resolveTimeoutMs);
  const approver = new LauncherApprover(channel);
  channel.onClose(() => {
    // The launcher is gone: nobody can resolve or supervise us, so leave now.
    process.exit(0);
  });
  channel.onMessage((raw) => {
    const parsed = ToGateway.safeParse(raw);
    if (!parsed.success) {
      log.warn({ paths: parsed.error.issues.map((i) => i.path.join('.')) }, 'ignored a malformed launcher message');
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'configure': {
        if (gateway || starting) return void log.warn('already configured; the launcher restarts the gateway to reconfigure it');
        starting = true;
        for (const agent of msg.config.agents) known.add(agent.token);
        log = createLogger(msg.config.logLevel, undefined, known);
        keepServingOnUncaught(log);
        resolveTimeoutMs = msg.config.timeouts.resolveMs;
        const { leg: upstreamLeg, warning: legWarning } = chooseUpstreamLeg(process.env);
        if (legWarning) log.warn(legWarning);
        startGateway(msg.config, {
          log,
          upstreamLeg,
          resolve: remembering(known, resolver.resolve),
          approve: approver.approve,
          activitySink: (entries) => channel.send({ type: 'activity', entries }),
          rateSink: (counters) => channel.send({ type: 'rate-usage', counters }),
          rateCounters: msg.rateCounters ?? [],
        }).then(
          (running) => {
            gateway = running;
            channel.send({ type: 'ready', address: running.address });
          },
          (err) => {
            const { code, message } = describeError(err);
            channel.send(
              code
                ? { type: 'fatal', code: 'listen_failed', errno: code.slice(0, 32), message: `cannot listen on port ${msg.config.listen.port} (${code})` }
                : { type: 'fatal', code: 'bad_config', message },
            );
            setTimeout(() => process.exit(code ? EXIT_LISTEN_FAILED : EXIT_BAD_CONFIG), 50);
          },
        );
        return;
      }
      case 'resolved':
        return resolver.settle(msg.requestId, msg.result);
      case 'approval':
        return approver.settle(msg.requestId, { decision: msg.decision, expiresAt: msg.expiresAt });
      case 'set-mappings':
        try {
          gateway?.setMappings(msg.mappings);
        } catch (err) {
          log.error({ err: describeError(err) }, 'rejected mappings');
        }
        return;
      case 'set-agents':
        for (const agent of msg.agents) known.add(agent.token);
        return gateway?.setAgents(msg.agents);
      case 'invalidate':
        return gateway?.invalidate(msg.mappingIds);
      case 'shutdown': {
        if (!gateway) process.exit(0);
        // close() sends the last rate counters and activity; exit only once they have left.
        const drainedOrLate = () => Promise.race([channel.drained(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_DRAIN_MS).unref())]);
        void gateway
          .close()
          .then(drainedOrLate)
          .finally(() => process.exit(0));
        return;
      }
    }
  });
}

applyHeapLimits();
const configFile = configPathFrom(process.argv.slice(2));
const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (configFile) await runStandalone(configFile);
else if (process.send) runWithLauncher(nodeIpcChannel());
else if (parentPort) runWithLauncher(parentPortChannel(parentPort));
else fail('usage: node dist/gateway/main.js --config FILE (see docs/gateway.md)', EXIT_BAD_CONFIG);
