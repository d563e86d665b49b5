import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import type { RateCounter } from '../shared/agent-policy.js';
import type { AgentCredential, GatewayMapping, GatewayRuntimeConfig } from '../shared/gateway-config.js';
import { ActivityRecorder, type ActivitySink } from './activity.js';
import { AgentAuth } from './agent-auth.js';
import { AgentConnections } from './agent-connections.js';
import { AgentScope, type ApprovalSource } from './agent-scope.js';
import { guardRequest, guardSocket } from './fault-isolation.js';
import { CredentialCache, type Clock, type ResolveSource } from '../shared/credential-cache.js';
import { handleConnect } from './doors/connect.js';
import { handleMitmRequest, handleMitmUpgrade, refuseMitmConnect } from './doors/mitm.js';
import { addressedToGateway, handlePlainHttpRequest, handlePlainHttpUpgrade, isAbsoluteHttpUrl } from './doors/plain-http.js';
import { handleRouteRequest, handleRouteUpgrade, isRoutePath } from './doors/route.js';
import { errorJson, sendError, writeRawStatus } from './error-responses.js';
import type { GatewayState, UpstreamLeg } from './gateway-state.js';
import { LeafCertificates } from './leaf-certificates.js';
import { describeError, type Logger } from './log.js';
import { MappingTable, sameMapping } from './mapping-table.js';
import { RateLimiter } from '../shared/rate-limits.js';
import { egressAllows } from './request-policy.js';
import { BODY_HIGH_WATER_MARK, createUpstream } from './upstream.js';
import { BufferReclaim, minorGc } from './buffer-reclaim.js';

export interface GatewayDeps {
  readonly log: Logger;
  /** Where values come from on a cache miss: the launcher over IPC, or the environment standalone. */
  readonly resolve: ResolveSource;
  readonly activitySink?: ActivitySink;
  readonly clock?: Clock;
  /**
   * Scan responses from mapped hosts for the injected value (default true). Off only for the
   * bench's baseline, measuring what the scan costs: the standalone gateway turns it off for
   * ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN=1, which the launcher's environment allowlist never passes.
   */
  readonly responseScan?: boolean;
  /**
   * Every request through node:http instead of undici (default undici): the bench's baseline for
   * the upstream leg, set by the standalone gateway for ONECLI_BENCH_UPSTREAM_LEG=node-http.
   */
  readonly upstreamLeg?: UpstreamLeg;
  /** A minor GC per few MiB of relayed bodies (default true; buffer-reclaim.ts). Off only for the bench's A/B (ONECLI_BENCH_NO_BUFFER_RECLAIM=1). */
  readonly bufferReclaim?: boolean;
  /** Who answers approval requests (the launcher); absent: agents that ask are never approved. */
  readonly approve?: ApprovalSource;
  /** Where moved rate-limit counters are reported (the launcher keeps them); absent: standalone, in memory only. */
  readonly rateSink?: (counters: RateCounter[]) => void;
  /** The launcher's counters from before a restart. */
  readonly rateCounters?: readonly RateCounter[];
}

export interface RunningGateway {
  readonly address: { host: string; port: number };
  setMappings(mappings: readonly GatewayMapping[]): void;
  setAgents(agents: readonly z.input<typeof AgentCredential>[]): void;
  invalidate(mappingIds?: readonly string[]): void;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 2_000;

function serverOptions(config: GatewayRuntimeConfig): http.ServerOptions {
  const t = config.timeouts;
  return {
    highWaterMark: BODY_HIGH_WATER_MARK,
    noDelay: true,
    keepAliveTimeout: t.keepAliveMs,
    headersTimeout: t.headersMs,
    requestTimeout: 0, // bodies may stream for as long as an LLM answers; idleMs guards silence
    connectionsCheckingInterval: Math.min(1_000, t.headersMs),
  };
}

function onClientError(log: Logger) {
  return (err: NodeJS.ErrnoException, socket: Duplex) => {
    log.debug({ err: describeError(err) }, 'bad client request');
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    writeRawStatus(socket, status);
  };
}

const ABOUT = 'This is the OneCLI gateway. Use it as HTTPS_PROXY, or as a base URL at /r/<route>/.';

/** Starts the gateway on its loopback port. Both doors share mappings, cache, injection and logs. */
export async function startGateway(config: GatewayRuntimeConfig, deps: GatewayDeps): Promise<RunningGateway> {
  const leafs = await LeafCertificates.create(config.ca.certPem, config.ca.keyPem);
  const state: GatewayState = {
    table: new MappingTable(config.mappings),
    auth: new AgentAuth(config.agents),
    cache: new CredentialCache(deps.resolve, deps.clock),
    leafs,
    upstream: createUpstream(config.extraCaPem, config.timeouts),
    timeouts: config.timeouts,
    log: deps.log,
    activity: new ActivityRecorder(deps.activitySink, deps.log),
    connections: new AgentConnections(),
    scope: new AgentScope(deps.approve, deps.clock),
    limits: new RateLimiter(deps.rateSink, deps.clock),
    responseScan: deps.responseScan ?? true,
    upstreamLeg: deps.upstreamLeg ?? 'undici',
    reclaim: new BufferReclaim(deps.bufferReclaim === false ? undefined : minorGc()),
  };
  state.limits.seed(deps.rateCounters ?? []);
  state.limits.configure(config.agents);
  // A policy change closes the tunnels and WebSockets it no longer allows.
  const closeEgressDenied = () =>
    state.connections.closeEgressDenied((key, host, port) => {
      const policy = state.auth.policyOfKey(key);
      return policy !== undefined && egressAllows(state.table, policy, host, port);
    });
  const log = deps.log;

  // Terminated CONNECT tunnels are fed to this server; it never listens on a port.
  const mitm = http.createServer(
    serverOptions(config),
    guardRequest(log, (req, res) => handleMitmRequest(state, req, res)),
  );
  mitm.timeout = config.timeouts.idleMs;
  mitm.on(
    'upgrade',
    guardSocket(log, (req: IncomingMessage, socket: Duplex, head: Buffer) => handleMitmUpgrade(state, req, socket, head)),
  );
  // Without a listener Node closes the tunnel without an answer.
  mitm.on(
    'connect',
    guardSocket(log, (_req: IncomingMessage, socket: Duplex) => refuseMitmConnect(state, socket)),
  );
  mitm.on('clientError', onClientError(log));

  // Known once listening: absolute-form requests to our own port are ours to answer.
  let ownPort = -1;
  const ownTarget = (req: IncomingMessage) => {
    const path = addressedToGateway(req.url, ownPort);
    if (path !== undefined) req.url = path;
  };
  const front = http.createServer(
    serverOptions(config),
    guardRequest(log, (req: IncomingMessage, res: ServerResponse) => {
      ownTarget(req);
      if (isRoutePath(req.url)) return handleRouteRequest(state, req, res);
      if (isAbsoluteHttpUrl(req.url)) return handlePlainHttpRequest(state, req, res);
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      sendError(res, 'unknown_route', null, ABOUT, { body: errorJson('unknown_route', null, ABOUT) });
    }),
  );
  front.timeout = config.timeouts.idleMs;
  front.on(
    'connect',
    guardSocket(log, (req: IncomingMessage, socket: Socket, head: Buffer) => handleConnect(state, mitm, req, socket, head)),
  );
  front.on(
    'upgrade',
    guardSocket(log, (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      ownTarget(req);
      if (isRoutePath(req.url)) return handleRouteUpgrade(state, req, socket, head);
      if (isAbsoluteHttpUrl(req.url)) return handlePlainHttpUpgrade(state, req, socket, head);
      writeRawStatus(socket, 404);
    }),
  );
  front.on('clientError', onClientError(log));

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(config.listen.port, config.listen.host, () => {
      front.off('error', reject);
      resolve();
    });
  });
  const bound = front.address() as AddressInfo;
  const address = { host: bound.address, port: bound.port };
  ownPort = bound.port;
  deps.log.info({ address: `${address.host}:${address.port}`, mappings: state.table.size, agents: config.agents.length }, 'gateway listening');

  return {
    address,
    setMappings(mappings) {
      const before = state.table;
      state.table = new MappingTable(mappings);
      state.cache.invalidate();
      const closed = state.connections.closeUnmapped((id) => sameMapping(before.byId(id), state.table.byId(id)));
      const denied = closeEgressDenied();
      deps.log.info({ mappings: mappings.length, closedUpgrades: closed, closedByEgress: denied }, 'mappings updated');
    },
    setAgents(agents) {
      // Session approvals belong to a token and a policy: an agent whose token went, or whose
      // policy now grants less, asks again; the others (a new "always" elsewhere) keep theirs.
      for (const key of state.auth.set(agents)) state.scope.forget(key);
      state.limits.configure(agents);
      const closed = state.connections.closeRevoked(state.auth.isCurrentKey);
      const denied = closeEgressDenied();
      deps.log.info({ agents: agents.length, closedConnections: closed, closedByEgress: denied }, 'agents updated');
    },
    invalidate(ids) {
      state.cache.invalidate(ids);
    },
    async close() {
      state.activity.flush();
      state.limits.flush();
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      front.closeIdleConnections();
      mitm.closeIdleConnections();
      // Tunnels and upgraded sockets left the HTTP servers' books at CONNECT/upgrade time:
      // without closing them here, close() would wait on them for as long as they live.
      const timer = setTimeout(() => {
        front.closeAllConnections();
        mitm.closeAllConnections();
        state.connections.closeAll();
      }, CLOSE_GRACE_MS);
      await closed;
      clearTimeout(timer);
      await state.upstream.close();
    },
  };
}
