import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayMapping } from '../../shared/gateway-config.js';
import type { GatewayErrorCode } from '../../shared/gateway-errors.js';
import { formatAuthority } from '../../shared/host-authority.js';
import { PROVIDERS, providerForHost } from '../../shared/providers.js';
import { ERROR_STATUS, errorJson, sendError, writeRawError, type ErrorDetails } from '../error-responses.js';
import { forwardRequest, type ForwardPlan } from '../forward.js';
import { entitled, refuseWith, startActivity, withPermittedCredential, type ActivityHandle, type GatewayState } from '../gateway-state.js';
import { egressRefusal, rateRefusal, type PolicyRefusal } from '../request-policy.js';
import { FRAGMENT_MESSAGE, hasFragment } from '../request-target.js';
import { matchRequest } from '../rule-match.js';
import { forwardUpgrade } from '../upgrade.js';
import type { AgentIdentity } from '../agent-auth.js';
import type { Injection } from '../injection.js';

const ROUTE_PATH = /^\/r\/([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/;

export function isRoutePath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/r/');
}

const AGENT_AUTH_MESSAGE = "Invalid API key for the OneCLI gateway: set the agent token as this SDK's API key (`onecli-launcher env` prints it).";

/**
 * A 401 in the body shape the provider's SDK parses, so the agent shows a useful message. A
 * known route name (`anthropic`) decides first: it names what the SDK behind it speaks.
 */
function agentAuthBody(mapping: GatewayMapping): string {
  const provider = PROVIDERS.find((p) => p.route === mapping.route) ?? providerForHost(mapping.host);
  switch (provider?.errorShape) {
    case 'anthropic':
      return JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: AGENT_AUTH_MESSAGE } });
    case 'openai':
      return JSON.stringify({ error: { message: AGENT_AUTH_MESSAGE, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    default:
      return errorJson('agent_auth_required', mapping.id, AGENT_AUTH_MESSAGE);
  }
}

interface RouteTarget {
  /** The host's first mapping: where the route goes. */
  readonly host: GatewayMapping;
  /** The rule that applies to this request; undefined: forwarded without a credential. */
  readonly mapping: GatewayMapping | undefined;
  /** The origin-form target the rules were matched on. */
  readonly target: string;
  readonly path: string;
  readonly agent: AgentIdentity;
}

type Reject = (
  code: 'unknown_route' | 'agent_auth_required' | 'bad_request' | PolicyRefusal['code'],
  mapping: GatewayMapping | null,
  message: string,
  body?: string,
  details?: ErrorDetails,
) => void;

/** `/r/<route>/<path>` → the mapping's host; the agent token stands in for the API key. */
function target(state: GatewayState, req: IncomingMessage, activity: ActivityHandle, reject: Reject): RouteTarget | undefined {
  if (hasFragment(req.url)) {
    reject('bad_request', null, FRAGMENT_MESSAGE);
    return undefined;
  }
  const m = ROUTE_PATH.exec(req.url ?? '');
  if (!m?.[1]) {
    reject('bad_request', null, 'Expected /r/<route>/<path>.');
    return undefined;
  }
  const rules = state.table.rulesForRoute(m[1]);
  const mapping = rules?.[0];
  if (!rules || !mapping) {
    reject('unknown_route', null, `No mapping has the route "${m[1].slice(0, 64)}". Add "route" to a mapping, or check the base URL.`);
    return undefined;
  }
  const agent = state.auth.identifyApiKey(
    req.headers['x-api-key'] as string | undefined,
    req.headers.authorization,
    req.headers['x-goog-api-key'] as string | undefined,
  );
  activity.identify(agent?.name ?? null, mapping.id, formatAuthority(mapping));
  if (!agent) {
    reject('agent_auth_required', mapping, AGENT_AUTH_MESSAGE, agentAuthBody(mapping));
    return undefined;
  }
  const target = (m[2] || '/') + (m[3] ?? '');
  const matched = matchRequest(rules, req.method ?? 'GET', target);
  activity.identify(agent.name, matched.mapping?.id ?? null, formatAuthority(mapping));
  // The same egress rule as the proxy door: a route to a host the agent may not reach is no way around it.
  const policy = state.auth.policyOf(agent);
  const refused = policy && egressRefusal(state.table, agent, policy, mapping.host, mapping.port);
  if (refused) {
    refuseWith(activity, refused, (code, message, details) => reject(code as PolicyRefusal['code'], null, message, undefined, details));
    return undefined;
  }
  if (!matched.mapping) activity.decide('no_rule');
  return { host: mapping, mapping: matched.mapping, agent, target, path: matched.path };
}

function plan(t: RouteTarget, credential: Injection | undefined): ForwardPlan {
  const { host, port } = t.host;
  return {
    secure: true,
    host,
    port,
    path: t.path,
    hostHeader: port === 443 ? host : formatAuthority(t.host),
    credential,
    mapping: t.mapping?.id ?? null,
    dropClientCredentials: true,
  };
}

export function handleRouteRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse): void {
  const activity = startActivity(state, 'route', req.method ?? 'GET', '');
  const t = target(state, req, activity, (code, mapping, message, body, details) => {
    sendError(res, code, mapping?.id ?? null, message, { ...(body ? { body } : {}), ...(details ? { details } : {}) });
    activity.done(res.statusCode, code);
  });
  if (!t) return;
  // A streamed answer can outlive its agent's token: revoking the agent closes the connection.
  state.connections.add(t.agent.key, req.socket);
  const mapping = t.mapping;
  const failed = (code: GatewayErrorCode, message: string, details?: ErrorDetails) => {
    sendError(res, code, mapping?.id ?? null, message, details ? { details } : {});
    activity.done(res.statusCode, code);
  };
  if (!mapping) {
    const limited = rateRefusal(state.limits, t.agent, null);
    if (limited) return refuseWith(activity, limited, failed);
    return forwardRequest(state, req, res, plan(t, undefined), activity.done);
  }
  withPermittedCredential(
    state,
    t.agent,
    mapping,
    { method: req.method ?? 'GET', target: t.target, headers: req.headers },
    activity,
    (credential) => forwardRequest(state, req, res, plan(t, credential), activity.done),
    failed,
    entitled(state, t.agent, mapping, { code: 'agent_auth_required', message: AGENT_AUTH_MESSAGE }),
  );
}

export function handleRouteUpgrade(state: GatewayState, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const activity = startActivity(state, 'route', req.method ?? 'GET', '');
  const t = target(state, req, activity, (code, mapping, message, _body, details) => {
    writeRawError(socket, code, mapping?.id ?? null, message, ERROR_STATUS[code], details);
    activity.done(ERROR_STATUS[code], code);
  });
  if (!t) return;
  // A WebSocket outlives the request that opened it: revoking the agent, or egress no longer allowing its host, closes it.
  state.connections.add(t.agent.key, socket);
  state.connections.addEgress(t.agent.key, t.host, socket);
  const mapping = t.mapping;
  const failed = (code: GatewayErrorCode, message: string, details?: ErrorDetails) => {
    writeRawError(socket, code, mapping?.id ?? null, message, ERROR_STATUS[code], details);
    activity.done(ERROR_STATUS[code], code);
  };
  if (!mapping) {
    const limited = rateRefusal(state.limits, t.agent, null);
    if (limited) return refuseWith(activity, limited, failed);
    return forwardUpgrade(state, req, socket, head, plan(t, undefined), activity.done);
  }
  withPermittedCredential(
    state,
    t.agent,
    mapping,
    { method: req.method ?? 'GET', target: t.target, headers: req.headers },
    activity,
    (credential) => {
      state.connections.addUpgrade(mapping.id, socket);
      forwardUpgrade(state, req, socket, head, plan(t, credential), activity.done);
    },
    failed,
    entitled(state, t.agent, mapping, { code: 'agent_auth_required', message: AGENT_AUTH_MESSAGE }),
  );
}
