import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayMapping } from '../../shared/gateway-config.js';
import { formatAuthority } from '../../shared/host-authority.js';
import { PROVIDERS, providerForHost } from '../../shared/providers.js';
import { ERROR_STATUS, errorJson, sendError, writeRawError } from '../error-responses.js';
import { forwardRequest, type ForwardPlan } from '../forward.js';
import { entitled, startActivity, withCredential, type ActivityHandle, type GatewayState } from '../gateway-state.js';
import { forwardUpgrade } from '../upgrade.js';
import type { AgentIdentity } from '../agent-auth.js';
import type { Injection } from '../injection.js';

const ROUTE_PATH = /^\/r\/([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/;

export function isRoutePath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/r/');
}

const AGENT_AUTH_MESSAGE = 'Invalid API key for the OneCLI gateway: set the agent token as this SDK\'s API key (`onecli-launcher env` prints it).';

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
  readonly mapping: GatewayMapping;
  readonly path: string;
  readonly agent: AgentIdentity;
}

type Reject = (code: 'unknown_route' | 'agent_auth_required' | 'bad_request', mapping: GatewayMapping | null, message: string, body?: string) => void;

/** `/r/<route>/<path>` → the mapping's host; the agent token stands in for the API key. */
function target(state: GatewayState, req: IncomingMessage, activity: ActivityHandle, reject: Reject): RouteTarget | undefined {
  const m = ROUTE_PATH.exec(req.url ?? '');
  if (!m?.[1]) {
    reject('bad_request', null, 'Expected /r/<route>/<path>.');
    return undefined;
  }
  const mapping = state.table.forRoute(m[1]);
  if (!mapping) {
    reject('unknown_route', null, `No mapping has the route "${m[1].slice(0, 64)}". Add "route" to a mapping, or check the base URL.`);
    return undefined;
  }
  const agent = state.auth.identifyApiKey(req.headers['x-api-key'] as string | undefined, req.headers.authorization);
  activity.identify(agent?.name ?? null, mapping.id, formatAuthority(mapping));
  if (!agent) {
    reject('agent_auth_required', mapping, AGENT_AUTH_MESSAGE, agentAuthBody(mapping));
    return undefined;
  }
  return { mapping, agent, path: (m[2] || '/') + (m[3] ?? '') };
}

function plan(t: RouteTarget, credential: Injection): ForwardPlan {
  const { host, port } = t.mapping;
  return { secure: true, host, port, path: t.path, hostHeader: port === 443 ? host : formatAuthority(t.mapping), credential, mapping: t.mapping.id };
}

export function handleRouteRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse): void {
  const activity = startActivity(state, 'route', req.method ?? 'GET', '');
  const t = target(state, req, activity, (code, mapping, message, body) => {
    sendError(res, code, mapping?.id ?? null, message, body ? { body } : {});
    activity.done(res.statusCode, code);
  });
  if (!t) return;
  // A streamed answer can outlive its agent's token: revoking the agent closes the connection.
  state.connections.add(t.agent.key, req.socket);
  withCredential(
    state,
    t.mapping,
    (credential) => forwardRequest(state, req, res, plan(t, credential), activity.done),
    (code, message) => {
      sendError(res, code, t.mapping.id, message);
      activity.done(res.statusCode, code);
    },
    entitled(state, t.agent, t.mapping, { code: 'agent_auth_required', message: AGENT_AUTH_MESSAGE }),
  );
}

export function handleRouteUpgrade(state: GatewayState, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const activity = startActivity(state, 'route', req.method ?? 'GET', '');
  const t = target(state, req, activity, (code, mapping, message) => {
    writeRawError(socket, code, mapping?.id ?? null, message);
    activity.done(code === 'agent_auth_required' ? 401 : code === 'unknown_route' ? 404 : 400, code);
  });
  if (!t) return;
  // A WebSocket outlives the request that opened it: revoking the agent closes it.
  state.connections.add(t.agent.key, socket);
  withCredential(
    state,
    t.mapping,
    (credential) => {
      state.connections.addUpgrade(t.mapping.id, socket);
      forwardUpgrade(state, req, socket, head, plan(t, credential), activity.done);
    },
    (code, message) => {
      writeRawError(socket, code, t.mapping.id, message);
      activity.done(ERROR_STATUS[code], code);
    },
    entitled(state, t.agent, t.mapping, { code: 'agent_auth_required', message: AGENT_AUTH_MESSAGE }),
  );
}
