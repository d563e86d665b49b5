import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { buildConnector as BuildConnector, Dispatcher } from 'undici';
import type { GatewayTimeouts } from '../shared/gateway-config.js';
import type { GatewayErrorCode } from '../shared/gateway-errors.js';
import { lookupRefusingThisMachine } from './egress.js';
import { Agent, buildConnector, Client, Pool } from './undici-parts.js';

/** 256 KiB buffers on body-carrying streams: node-proxy-perf.md measured 28 → 62 MiB/s. */
export const BODY_HIGH_WATER_MARK = 256 * 1024;

/** Dispatchers, agents and trust for talking to upstreams. Built once; nothing here is rebuilt per request. */
export interface Upstream {
  /** undici, the default leg (upstream-request.ts): a keep-alive pool per origin. */
  readonly https: Dispatcher;
  readonly http: Dispatcher;
  /** Plain HTTP for allowlisted agents to host names: its sockets never connect to this machine (egress.ts). */
  readonly guardedHttp: Dispatcher;
  /** node:http, for what undici cannot carry (`Expect`, `OPTIONS *`, an unasked 100 Continue), with the same three roles. */
  readonly httpsAgent: https.Agent;
  readonly httpAgent: http.Agent;
  readonly guardedHttpAgent: http.Agent;
  /** Trust for upstream certificates: Node's bundled public roots plus the user's extra CA. */
  readonly trust: SecureContext;
  close(): Promise<void>;
}

/** Set on a dispatch handler: its request went out on a connection that was already open. */
export interface ReuseAware {
  reusedConnection?: boolean;
}

/**
 * A pool member that tells each handler whether its request goes out on a connection already
 * open (node:http's `reusedSocket`): only such a request is sent again when the connection turns
 * out closed. With pipelining 1 a client holds one connection and takes one request at a time.
 */
class ReuseTellingClient extends Client {
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    (handler as ReuseAware).reusedConnection = this.stats.connected;
    return super.dispatch(options, handler);
  }
}

function dispatcher(connect: BuildConnector.BuildOptions, timeouts: GatewayTimeouts): Dispatcher {
  // highWaterMark reaches net.connect / tls.connect (undici's own is 16 KiB for TLS); timeout covers TCP + TLS.
  const options: BuildConnector.BuildOptions & { highWaterMark: number } = {
    ...connect,
    highWaterMark: BODY_HIGH_WATER_MARK,
    timeout: timeouts.upstreamConnectMs,
  };
  const base = buildConnector(options);
  return new Agent({
    // SNI names the host we connect to, never a Host header, and is left out for an IP (RFC 6066).
    connect: (o, callback) => base({ ...o, servername: isIP(o.hostname) ? '' : o.hostname }, callback),
    factory: (origin, o) => new Pool(origin, { ...o, factory: (url: URL, co: object) => new ReuseTellingClient(url, co) }),
    // An idle pooled connection lives as long as node:http's did (the idle timeout), or what the
    // server says (`Keep-Alive: timeout=`). No request timeouts here: as with node:http, the client
    // connection's idle timeout ends a silent request, and its close aborts the upstream one.
    keepAliveTimeout: timeouts.idleMs,
    keepAliveMaxTimeout: timeouts.idleMs,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

/**
 * node-proxy-perf.md: `https.Agent({ ca })` joins the whole PEM bundle into the pool key on
 * every request (the top CPU frame). A prebuilt `secureContext` is not part of the key.
 * Passing `ca` replaces Node's roots, so the public roots are listed explicitly.
 */
export function createUpstream(extraCaPem: string | undefined, timeouts: GatewayTimeouts): Upstream {
  const trust = createSecureContext({ ca: extraCaPem ? [...rootCertificates, extraCaPem] : [...rootCertificates] });
  const pool = { highWaterMark: BODY_HIGH_WATER_MARK, keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const, timeout: timeouts.idleMs };
  const dispatchers = {
    https: dispatcher({ secureContext: trust }, timeouts),
    http: dispatcher({}, timeouts),
    guardedHttp: dispatcher({ lookup: lookupRefusingThisMachine }, timeouts),
  };
  const agents = {
    httpsAgent: new https.Agent({ ...pool, secureContext: trust }),
    httpAgent: new http.Agent(pool),
    guardedHttpAgent: new http.Agent({ ...pool, lookup: lookupRefusingThisMachine }),
  };
  return {
    ...dispatchers,
    ...agents,
    trust,
    async close() {
      for (const agent of Object.values(agents)) agent.destroy();
      await Promise.all(Object.values(dispatchers).map((d) => d.destroy()));
    },
  };
}

/** TLS verification failures: the upstream is not who it claims, or we lack its CA. */
const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function isTlsVerificationError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && TLS_ERROR_CODES.has(code);
}

/** What the agent is told when its upstream could not be reached or trusted. */
export function upstreamFailure(
  err: unknown,
  plan: { readonly host: string; readonly port: number },
): { code: GatewayErrorCode; status: number; message: string } {
  const where = `${plan.host}:${plan.port}`;
  if ((err as NodeJS.ErrnoException).code === 'EGRESS_LOOPBACK') {
    return {
      code: 'egress_denied',
      status: 403,
      message: `${where} resolves to this machine, which an allowlisted agent reaches only through a listed loopback host (such as localhost:3000). Nothing was sent.`,
    };
  }
  if (isTlsVerificationError(err)) {
    return {
      code: 'upstream_tls',
      status: 502,
      message: `The certificate of ${where} is not trusted (${(err as NodeJS.ErrnoException).code}). If this host uses a private or corporate CA, give it to the gateway as its extra CA.`,
    };
  }
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
  const timeout = code === 'ETIMEDOUT';
  return {
    code: 'upstream_unreachable',
    status: timeout ? 504 : 502,
    message: `Could not reach ${where} (${code}). Check the host and your network.`,
  };
}
