import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayErrorCode } from '../shared/gateway-errors.js';
import { sendError } from './error-responses.js';
import type { GatewayState } from './gateway-state.js';
import type { Injection } from './injection.js';
import { withQueryCredential } from './query-credential.js';
import { FRAGMENT_MESSAGE } from './request-target.js';
import { sendUpstream } from './upstream-request.js';

/** Where a request goes and what it carries. */
export interface ForwardPlan {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** Origin-form path with query. */
  readonly path: string;
  /** The Host header the upstream sees. */
  readonly hostHeader: string;
  /** The credential to add (after every client-sent credential is dropped) and to mask on the way back. */
  readonly credential?: Injection | undefined;
  /** Mapping id for error bodies. */
  readonly mapping: string | null;
  /** Ask the client to open a new connection after this response (the tunnel's decision changed). */
  readonly closeAfter?: boolean;
  /** Without a credential, still drop the client's (the base-URL door's phantom key is ours). */
  readonly dropClientCredentials?: boolean;
  /** Plain HTTP for an allowlisted agent to a host name: refuse it if it resolves to this machine (egress.ts). */
  readonly guardLookup?: boolean;
}

/** Called once per request with the status the client got and, when we made it, our error code. */
export type ForwardDone = (status: number, error?: GatewayErrorCode) => void;

/**
 * The path to send: with a query-shaped credential set in it, or undefined when it cannot carry
 * one (a `#`, which every door refuses first: request-target.ts).
 */
export function credentialPath(path: string, credential: Injection | undefined): string | undefined {
  return credential?.query ? withQueryCredential(path, credential.query.param, credential.query.value) : path;
}

/** RFC 9110 §9.3.8: TRACE echoes the request, credential included. TRACK is IIS's copy of it. */
export function echoesRequest(method: string | undefined): boolean {
  return method === 'TRACE' || method === 'TRACK';
}

/** Refuses what must never go to a mapped host, then sends the request on its way (upstream-request.ts). */
export function forwardRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse, plan: ForwardPlan, done: ForwardDone): void {
  const credential = plan.credential;
  if (credential && echoesRequest(req.method)) {
    sendError(res, 'method_not_allowed', plan.mapping, `${req.method} to a mapped host would echo the credential back; it is never forwarded.`);
    return done(405, 'method_not_allowed');
  }
  if (credential && plan.path.startsWith('//')) {
    sendError(res, 'bad_request', plan.mapping, 'A path that starts with // names another host to many servers; it is never sent with a credential.');
    return done(400, 'bad_request');
  }
  const path = credentialPath(plan.path, credential);
  if (path === undefined) {
    sendError(res, 'bad_request', plan.mapping, FRAGMENT_MESSAGE);
    return done(400, 'bad_request');
  }
  sendUpstream(state, req, res, plan, path, done);
}
