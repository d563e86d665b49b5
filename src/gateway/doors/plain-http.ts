import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { formatAuthority, isLoopbackHost, parseAuthority, type Authority } from '../../shared/host-authority.js';
import type { GatewayMapping } from '../../shared/gateway-config.js';
import type { GatewayErrorCode } from '../../shared/gateway-errors.js';
import { ERROR_STATUS, sendError, writeRawError, type ErrorDetails } from '../error-responses.js';
import type { AgentIdentity } from '../agent-auth.js';
import { needsResolutionGuard } from '../egress.js';
import { forwardRequest, type ForwardPlan } from '../forward.js';
import { entitled, refuseWith, startActivity, withPermittedCredential, type ActivityHandle, type GatewayState } from '../gateway-state.js';
import { egressRefusal, rateRefusal } from '../request-policy.js';
import { FRAGMENT_MESSAGE, hasFragment, originFormOf } from '../request-target.js';
import { matchRequest } from '../rule-match.js';
import { forwardUpgrade } from '../upgrade.js';

export function isAbsoluteHttpUrl(url: string | undefined): boolean {
  return url !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/**
 * The origin-form path of an absolute `http://` target that names the gateway itself (a loopback
 * host on its own port), or undefined. Agents whose NO_PROXY leaves loopback to the proxy (so a
 * mapped `localhost:4000` gets its credential) send the base-URL door through the proxy door:
 * such requests are answered here, never forwarded to ourselves.
 */
export function addressedToGateway(url: string | undefined, gatewayPort: number): string | undefined {
  if (url === undefined || !/^(http|ws):\/\//i.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const authority = parseAuthority(parsed.host, 80);
  if (!authority || authority.port !== gatewayPort || !isLoopbackHost(authority.host)) return undefined;
  // A fragment (even an empty one, which the URL parser drops) is kept: the base-URL door refuses it.
  return `${parsed.pathname}${parsed.search}${hasFragment(url) ? parsed.hash || '#' : ''}`;
}

interface PlainTarget {
  readonly authority: Authority;
  /** The origin-form target the rules were matched on. */
  readonly target: string;
  /** An allowlisted agent reaching a host name: its address must not be this machine. */
  readonly guardLookup: boolean;
  readonly path: string;
  readonly hostHeader: string;
  readonly mapping: GatewayMapping | undefined;
  readonly agent: AgentIdentity;
  readonly activity: ActivityHandle;
}

const PROXY_AUTH_MESSAGE = 'Proxy authentication required: use the agent token as the proxy password (HTTP_PROXY=http://x:<agent token>@host:port).';

type Reject = (code: GatewayErrorCode, mapping: string | null, message: string, details?: ErrorDetails) => void;

/**
 * `GET http://host/path` through the proxy. Plain HTTP crosses the network readable by anyone
 * on the path, so a credential is only ever added when the host is this machine.
 */
function target(state: GatewayState, req: IncomingMessage, activity: ActivityHandle, reject: Reject): PlainTarget | undefined {
  // The URL parser drops a fragment: it is refused before, as at every door.
  if (hasFragment(req.url)) {
    reject('bad_request', null, FRAGMENT_MESSAGE);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    reject('bad_request', null, 'The request target is not a valid URL.');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') {
    reject('bad_request', null, `Proxy ${url.protocol}// requests with CONNECT; only http:// is proxied in the clear.`);
    return undefined;
  }
  const authority = parseAuthority(url.host, 80);
  if (!authority) {
    reject('bad_request', null, 'The request target has no valid host.');
    return undefined;
  }
  const agent = state.auth.identifyProxy(req.headers['proxy-authorization']);
  const rules = state.table.rulesFor(authority.host, authority.port);
  const originTarget = originFormOf(req.url ?? '', url, req.method);
  const matched = rules ? matchRequest(rules, req.method ?? 'GET', originTarget) : undefined;
  const mapping = matched?.mapping;
  activity.identify(agent?.name ?? null, mapping?.id ?? null, formatAuthority(authority));
  const policy = agent && state.auth.policyOf(agent);
  if (!agent || !policy) {
    reject('proxy_auth_required', null, PROXY_AUTH_MESSAGE);
    return undefined;
  }
  const denied = egressRefusal(state.table, agent, policy, authority.host, authority.port);
  if (denied) {
    refuseWith(activity, denied, (code, message, details) => reject(code, null, message, details));
    return undefined;
  }
  if (rules && !isLoopbackHost(authority.host)) {
    reject(
      'insecure_http',
      (mapping ?? rules[0])?.id ?? null,
      `${formatAuthority(authority)} is mapped, and credentials are never sent over plain HTTP: use https://${url.hostname}.`,
    );
    return undefined;
  }
  if (rules && !mapping) activity.decide('no_rule');
  const guardLookup = policy.egress !== undefined && !rules && needsResolutionGuard(authority.host);
  return { authority, target: originTarget, guardLookup, agent, mapping, path: matched?.path ?? originTarget, hostHeader: url.host, activity };
}

function run(state: GatewayState, req: IncomingMessage, t: PlainTarget, go: (plan: ForwardPlan, mappingId?: string) => void, fail: Reject): void {
  const base = {
    secure: false,
    host: t.authority.host,
    port: t.authority.port,
    path: t.path,
    hostHeader: t.hostHeader,
    ...(t.guardLookup ? { guardLookup: true } : {}),
  };
  if (!t.mapping) {
    const limited = rateRefusal(state.limits, t.agent, null);
    if (limited) return refuseWith(t.activity, limited, (code, message, details) => fail(code, null, message, details));
    return go({ ...base, mapping: null });
  }
  const mapping = t.mapping;
  withPermittedCredential(
    state,
    t.agent,
    mapping,
    { method: req.method ?? 'GET', target: t.target, headers: req.headers },
    t.activity,
    (credential) => go({ ...base, credential, mapping: mapping.id }, mapping.id),
    (code, message, details) => fail(code, mapping.id, message, details),
    entitled(state, t.agent, mapping, { code: 'proxy_auth_required', message: PROXY_AUTH_MESSAGE }),
  );
}

export function handlePlainHttpRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse): void {
  const activity = startActivity(state, 'http', req.method ?? 'GET', '');
  const reject: Reject = (code, mapping, message, details) => {
    sendError(res, code, mapping, message, details ? { details } : {});
    activity.done(res.statusCode, code);
  };
  const t = target(state, req, activity, reject);
  if (!t) return;
  state.connections.add(t.agent.key, req.socket);
  run(state, req, t, (plan) => forwardRequest(state, req, res, plan, activity.done), reject);
}

export function handlePlainHttpUpgrade(state: GatewayState, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const activity = startActivity(state, 'http', req.method ?? 'GET', '');
  const reject: Reject = (code, mapping, message, details) => {
    writeRawError(socket, code, mapping, message, ERROR_STATUS[code], details);
    activity.done(ERROR_STATUS[code], code);
  };
  const t = target(state, req, activity, reject);
  if (!t) return;
  state.connections.add(t.agent.key, socket);
  state.connections.addEgress(t.agent.key, t.authority, socket);
  run(
    state,
    req,
    t,
    (plan, mappingId) => {
      if (mappingId) state.connections.addUpgrade(mappingId, socket);
      forwardUpgrade(state, req, socket, head, plan, activity.done);
    },
    reject,
  );
}
