import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GATEWAY_ERROR_HEADER, type GatewayErrorBody, type GatewayErrorCode } from '../shared/gateway-errors.js';

export const ERROR_STATUS: Record<GatewayErrorCode, number> = {
  not_found: 502,
  bad_reference: 502,
  auth_required: 502,
  rate_limited: 502,
  unavailable: 502,
  proxy_auth_required: 407,
  agent_auth_required: 401,
  misdirected: 421,
  insecure_http: 403,
  unknown_route: 404,
  bad_request: 400,
  upstream_tls: 502,
  upstream_unreachable: 502,
  invalid_value: 502,
  method_not_allowed: 405,
  unscannable_response: 502,
  internal_error: 500,
  not_permitted: 403,
  denied: 403,
  not_approved: 403,
  egress_denied: 403,
  rate_limited_by_policy: 429,
  blocked_by_policy: 403,
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

export const PROXY_AUTHENTICATE = 'Basic realm="OneCLI gateway", charset="UTF-8"';

/** Who and where a policy refusal is about, and when to retry a rate-limited request. */
export interface ErrorDetails {
  readonly agent?: string;
  readonly host?: string;
  readonly retryAfter?: number;
}

export function errorJson(code: GatewayErrorCode, mapping: string | null, message: string, details?: ErrorDetails): string {
  const body: GatewayErrorBody = { error: { code, mapping, message, ...details } };
  return JSON.stringify(body);
}

/** A gateway-made error on a normal response. Messages are ours: never upstream text or header values. */
export function sendError(
  res: ServerResponse,
  code: GatewayErrorCode,
  mapping: string | null,
  message: string,
  { status = ERROR_STATUS[code], details, body = errorJson(code, mapping, message, details) }: { status?: number; body?: string; details?: ErrorDetails } = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [GATEWAY_ERROR_HEADER]: code,
  };
  if (status === 407) headers['proxy-authenticate'] = PROXY_AUTHENTICATE;
  if (details?.retryAfter !== undefined) headers['retry-after'] = details.retryAfter;
  res.writeHead(status, headers).end(body);
}

/** The same, written onto a raw socket (CONNECT and upgrade requests have no ServerResponse). */
export function writeRawError(
  socket: Duplex,
  code: GatewayErrorCode,
  mapping: string | null,
  message: string,
  status = ERROR_STATUS[code],
  details?: ErrorDetails,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorJson(code, mapping, message, details);
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${GATEWAY_ERROR_HEADER}: ${code}`,
    ...(status === 407 ? [`Proxy-Authenticate: ${PROXY_AUTHENTICATE}`] : []),
    ...(details?.retryAfter !== undefined ? [`Retry-After: ${details.retryAfter}`] : []),
    'Connection: close',
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** For protocol errors before we know anything (oversized headers, garbage, timeouts). */
export function writeRawStatus(socket: Duplex, status: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}
