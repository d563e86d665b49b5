import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { AgentIdentity, AgentPolicy } from '../agent-auth.js';
import type { GatewayMapping } from '../../shared/gateway-config.js';
import { formatAuthority, namesAuthority, parseAuthority, type Authority } from '../../shared/host-authority.js';
import type { GatewayErrorCode } from '../../shared/gateway-errors.js';
import { ERROR_STATUS, sendError, writeRawError, type ErrorDetails } from '../error-responses.js';
import { forwardRequest, type ForwardPlan } from '../forward.js';
import { entitled, startActivity, withPermittedCredential, type ActivityHandle, type GatewayState } from '../gateway-state.js';
import type { Injection } from '../injection.js';
import { forwardUpgrade } from '../upgrade.js';
import { egressRefusal, rateRefusal, type PolicyRefusal } from '../request-policy.js';
import { FRAGMENT_MESSAGE, hasFragment, originFormOf } from '../request-target.js';
import { matchRequest } from '../rule-match.js';

/** What a terminated CONNECT tunnel is for: its authority and agent, fixed at CONNECT time. */
export interface MitmContext {
  readonly authority: Authority;
  readonly agent: AgentIdentity;
  /** The agent's policy the CONNECT was allowed under. */
  readonly policy: AgentPolicy;
}

const contexts = new WeakMap<Duplex, MitmContext>();

export function setMitmContext(socket: TLSSocket, context: MitmContext): void {
  contexts.set(socket, context);
}

/** The inner Host must name the CONNECT authority: the decision is never re-keyed on it. */
function hostMatches(hostHeader: string | undefined, authority: Authority): boolean {
  return namesAuthority(hostHeader, authority, 443);
}

/**
 * The origin-form target to send upstream. RFC 9112 §3.2.2 lets a client send an absolute-form
 * target, and a shared front end may route on its authority rather than on Host: so it is
 * rewritten to origin-form when it names the tunnel's own authority, and refused otherwise.
 * A target with a `#` is refused in every form, and `OPTIONS https://host` goes as `OPTIONS *`
 * (request-target.ts).
 */
export function originFormTarget(url: string | undefined, method: string | undefined, authority: Authority): string | undefined {
  if (url === undefined || url === '' || hasFragment(url)) return undefined;
  // `//host/path` names another host to many URL parsers (WHATWG, Python's urlsplit).
  if (url.startsWith('//')) return undefined;
  if (url.startsWith('/')) return url;
  if (url === '*') return method === 'OPTIONS' ? url : undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return undefined;
  const target = parseAuthority(parsed.host, 443);
  if (!target || target.host !== authority.host || target.port !== authority.port) return undefined;
  if (parsed.pathname.startsWith('//')) return undefined;
  return originFormOf(url, parsed, method);
}

type Refuse = (code: GatewayErrorCode, mapping: string | null, message: string, details?: ErrorDetails) => void;

/**
 * The authority a refused target or Host names, when it names one: for an allowlisted agent a
 * request inside a tunnel aimed at a host it may not reach is an egress refusal, not a 400/421.
 */
function namedAuthority(url: string | undefined, hostHeader: string | undefined): Authority | undefined {
  const absolute = url && /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? URL.parse(url) : null;
  if (absolute) return parseAuthority(absolute.host, absolute.protocol === 'http:' ? 80 : 443);
  if (url?.startsWith('//')) {
    const scheme = URL.parse(`https:${url}`);
    if (scheme) return parseAuthority(scheme.host, 443);
  }
  return hostHeader ? parseAuthority(hostHeader, 443) : undefined;
}

interface Admitted {
  readonly ctx: MitmContext;
  readonly activity: ActivityHandle;
  /** The origin-form target the rules were matched on (block rules read it too). */
  readonly target: string;
  readonly path: string;
  /** The rule that applies now: a removed mapping gives no credential to a tunnel opened before. */
  readonly mapping: GatewayMapping | undefined;
  /** The host still has mappings (if not, the client should reconnect: a blind tunnel now). */
  readonly hostMapped: boolean;
}

const POLICY_CODES: ReadonlySet<GatewayErrorCode> = new Set(['rate_limited_by_policy', 'blocked_by_policy']);

const MISDIRECTED = 'The Host header names another host than the CONNECT request: open a new tunnel for each host.';
const REVOKED = 'This agent token was revoked or replaced: get a new one (`onecli-launcher env`) and reconnect.';

/** The checks every request inside a tunnel passes, in order: agent still current, target, Host. */
function admit(state: GatewayState, req: IncomingMessage, refuse: (activity: ActivityHandle) => Refuse): Admitted | undefined {
  const ctx = contexts.get(req.socket);
  if (!ctx) return undefined;
  const activity = startActivity(state, 'proxy', req.method ?? 'GET', formatAuthority(ctx.authority));
  const rules = state.table.rulesFor(ctx.authority.host, ctx.authority.port);
  const target = originFormTarget(req.url, req.method, ctx.authority);
  const matched = rules && target !== undefined ? matchRequest(rules, req.method ?? 'GET', target) : undefined;
  const mapping = matched?.mapping;
  activity.identify(ctx.agent.name, mapping?.id ?? null);
  const fail = refuse(activity);
  const policy = state.auth.policyOf(ctx.agent);
  if (!policy) {
    fail('proxy_auth_required', null, REVOKED);
    return undefined;
  }
  const refusePolicy = (r: PolicyRefusal) => {
    activity.rule(r.rule);
    fail(r.code, mapping?.id ?? null, r.message, r.details);
  };
  // The tunnel's authority was allowed at CONNECT, and a policy or mapping change that no longer
  // allows it closes the tunnel (gateway.ts): only a policy other than the CONNECT's is asked again.
  const { host, port } = ctx.authority;
  const denied = policy !== ctx.policy && policy.egress ? egressRefusal(state.table, ctx.agent, policy, host, port) : undefined;
  if (denied) {
    refusePolicy(denied);
    return undefined;
  }
  const hostOk = hostMatches(req.headers.host, ctx.authority);
  if (policy.egress && (target === undefined || !hostOk)) {
    // A target or Host naming another host the agent may not reach is refused as egress, whatever else is wrong with it.
    const named = namedAuthority(req.url, req.headers.host);
    const elsewhere = named && (named.host !== host || named.port !== port) ? egressRefusal(state.table, ctx.agent, policy, named.host, named.port) : undefined;
    if (elsewhere) {
      refusePolicy(elsewhere);
      return undefined;
    }
  }
  if (target === undefined) {
    const message = hasFragment(req.url)
      ? FRAGMENT_MESSAGE
      : `Inside a tunnel to ${formatAuthority(ctx.authority)} a request target is a path, or an https:// URL of that same host.`;
    fail('bad_request', null, message);
    return undefined;
  }
  if (!hostOk) {
    fail('misdirected', mapping?.id ?? null, MISDIRECTED);
    return undefined;
  }
  if (rules && !mapping) activity.decide('no_rule');
  // Without a credential nothing else decides: the request counts against the agent's limits now.
  const limited = mapping ? undefined : rateRefusal(state.limits, ctx.agent, null);
  if (limited) {
    refusePolicy(limited);
    return undefined;
  }
  return { ctx, activity, target, path: matched?.path ?? target, mapping, hostMapped: rules !== undefined };
}

function plan(req: IncomingMessage, a: Admitted, credential: Injection | undefined): ForwardPlan {
  const { host, port } = a.ctx.authority;
  return {
    secure: true,
    host,
    port,
    path: a.path,
    hostHeader: req.headers.host ?? formatAuthority(a.ctx.authority),
    credential,
    mapping: a.mapping?.id ?? null,
    // The host is no longer mapped: this request goes without a credential, the next on a new (blind) tunnel.
    ...(a.hostMapped ? {} : { closeAfter: true }),
  };
}

export function handleMitmRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse): void {
  const admitted = admit(state, req, (activity) => (code, mapping, message, details) => {
    // A policy refusal leaves the tunnel usable; anything else ends it.
    if (!POLICY_CODES.has(code)) res.shouldKeepAlive = false;
    sendError(res, code, mapping, message, details ? { details } : {});
    activity.done(res.statusCode, code);
  });
  if (!admitted) {
    if (!res.headersSent) res.destroy();
    return;
  }
  const { mapping, activity } = admitted;
  if (!mapping) return forwardRequest(state, req, res, plan(req, admitted, undefined), activity.done);
  withPermittedCredential(
    state,
    admitted.ctx.agent,
    mapping,
    { method: req.method ?? 'GET', target: admitted.target, headers: req.headers },
    activity,
    (credential) => forwardRequest(state, req, res, plan(req, admitted, credential), activity.done),
    (code, message, details) => {
      sendError(res, code, mapping.id, message, details ? { details } : {});
      activity.done(res.statusCode, code);
    },
    entitled(state, admitted.ctx.agent, mapping, { code: 'proxy_auth_required', message: REVOKED }),
  );
}

/**
 * CONNECT inside a terminated tunnel: a tunnel goes to one host, and a nested one opens nothing.
 * Node's server would close the tunnel without a word; the agent gets a 400 saying where a
 * CONNECT goes instead. Nothing is sent upstream, and the tunnel ends with the answer.
 */
export function refuseMitmConnect(state: GatewayState, socket: Duplex): void {
  const ctx = contexts.get(socket);
  if (!ctx) return void socket.destroy();
  const activity = startActivity(state, 'proxy', 'CONNECT', formatAuthority(ctx.authority));
  activity.identify(ctx.agent.name, null);
  writeRawError(
    socket,
    'bad_request',
    null,
    `CONNECT inside the tunnel to ${formatAuthority(ctx.authority)} opens nothing: send each CONNECT to the gateway itself, one tunnel per host.`,
  );
  activity.done(ERROR_STATUS.bad_request, 'bad_request');
}

export function handleMitmUpgrade(state: GatewayState, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const admitted = admit(state, req, (activity) => (code, mapping, message, details) => {
    writeRawError(socket, code, mapping, message, ERROR_STATUS[code], details);
    activity.done(ERROR_STATUS[code], code);
  });
  if (!admitted) {
    if (!socket.writableEnded) socket.destroy();
    return;
  }
  const { mapping, activity } = admitted;
  if (!mapping) return forwardUpgrade(state, req, socket, head, plan(req, admitted, undefined), activity.done);
  withPermittedCredential(
    state,
    admitted.ctx.agent,
    mapping,
    { method: req.method ?? 'GET', target: admitted.target, headers: req.headers },
    activity,
    (credential) => {
      state.connections.addUpgrade(mapping.id, socket);
      forwardUpgrade(state, req, socket, head, plan(req, admitted, credential), activity.done);
    },
    (code, message, details) => {
      writeRawError(socket, code, mapping.id, message, ERROR_STATUS[code], details);
      activity.done(ERROR_STATUS[code], code);
    },
    entitled(state, admitted.ctx.agent, mapping, { code: 'proxy_auth_required', message: REVOKED }),
  );
}
