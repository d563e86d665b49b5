import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { GatewayMapping } from '../../shared/gateway-config.js';
import { formatAuthority, parseAuthority, type Authority } from '../../shared/host-authority.js';
import { sendError, writeRawError } from '../error-responses.js';
import { forwardRequest, type ForwardPlan } from '../forward.js';
import { startActivity, withCredential, type ActivityHandle, type GatewayState } from '../gateway-state.js';
import { forwardUpgrade } from '../upgrade.js';

/** What a terminated CONNECT tunnel is for: decided once, at CONNECT time. */
export interface MitmContext {
  readonly authority: Authority;
  readonly mapping: GatewayMapping;
  readonly agent: string;
}

const contexts = new WeakMap<Duplex, MitmContext>();

export function setMitmContext(socket: TLSSocket, context: MitmContext): void {
  contexts.set(socket, context);
}

/** The inner Host must name the CONNECT authority: the decision is never re-keyed on it. */
function hostMatches(hostHeader: string | undefined, authority: Authority): boolean {
  const inner = hostHeader ? parseAuthority(hostHeader, 443) : undefined;
  return inner !== undefined && inner.host === authority.host && inner.port === authority.port;
}

function plan(req: IncomingMessage, ctx: MitmContext, inject: [string, string]): ForwardPlan {
  const { host, port } = ctx.authority;
  return { secure: true, host, port, path: req.url ?? '/', hostHeader: req.headers.host ?? formatAuthority(ctx.authority), inject, mapping: ctx.mapping.id };
}

function begin(state: GatewayState, req: IncomingMessage): { ctx: MitmContext; activity: ActivityHandle } | undefined {
  const ctx = contexts.get(req.socket);
  if (!ctx) return undefined;
  const activity = startActivity(state, 'proxy', req.method ?? 'GET', formatAuthority(ctx.authority));
  activity.identify(ctx.agent, ctx.mapping.id);
  return { ctx, activity };
}

const MISDIRECTED = 'The Host header names another host than the CONNECT request: open a new tunnel for each host.';

export function handleMitmRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse): void {
  const started = begin(state, req);
  if (!started) return void res.destroy();
  const { ctx, activity } = started;
  if (!hostMatches(req.headers.host, ctx.authority)) {
    sendError(res, 'misdirected', ctx.mapping.id, MISDIRECTED);
    return activity.done(421, 'misdirected');
  }
  withCredential(
    state,
    ctx.mapping,
    (inject) => forwardRequest(req, res, plan(req, ctx, inject), state.upstream, state.timeouts.upstreamConnectMs, activity.done),
    (code, message) => {
      sendError(res, code, ctx.mapping.id, message);
      activity.done(502, code);
    },
  );
}

export function handleMitmUpgrade(state: GatewayState, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const started = begin(state, req);
  if (!started) return void socket.destroy();
  const { ctx, activity } = started;
  if (!hostMatches(req.headers.host, ctx.authority)) {
    writeRawError(socket, 'misdirected', ctx.mapping.id, MISDIRECTED);
    return activity.done(421, 'misdirected');
  }
  withCredential(
    state,
    ctx.mapping,
    (inject) => forwardUpgrade(req, socket, head, plan(req, ctx, inject), state.upstream, state.timeouts.upstreamConnectMs, activity.done),
    (code, message) => {
      writeRawError(socket, code, ctx.mapping.id, message);
      activity.done(502, code);
    },
  );
}
