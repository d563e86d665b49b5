import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { GATEWAY_ERROR_HEADER } from '../../shared/gateway-errors.js';

export interface ProbeInput {
  readonly gatewayPort: number;
  readonly agentToken: string;
  readonly host: string;
  readonly port: number;
  /** The local CA: the probe trusts the gateway's leaf exactly as an agent would. */
  readonly caPem: string;
  readonly timeoutMs?: number;
}

export type ProbeOutcome = { status: number; ms: number; error?: string; message?: string };

/**
 * "Test a request": GET / on the mapped host through the gateway's proxy door, as an agent
 * would. The answer's status says whether the credential worked; the value is never seen here.
 */
export function probeThroughGateway(input: ProbeInput): Promise<ProbeOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const timeoutMs = input.timeoutMs ?? 15_000;
  const authority = `${input.host.includes(':') ? `[${input.host}]` : input.host}:${input.port}`;
  return new Promise((resolve) => {
    const fail = (error: string, message: string, status = 0) => resolve({ status, ms: ms(), error, message });
    const connect = http.request({
      host: '127.0.0.1',
      port: input.gatewayPort,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, 'proxy-authorization': `Basic ${Buffer.from(`x:${input.agentToken}`).toString('base64')}` },
      timeout: timeoutMs,
    });
    connect.on('timeout', () => connect.destroy(new Error('timeout')));
    connect.on('error', () => fail('unavailable', 'The gateway did not answer; is it running?'));
    connect.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        return fail(String(res.headers[GATEWAY_ERROR_HEADER] ?? 'unavailable'), `The gateway answered ${res.statusCode} to CONNECT.`, res.statusCode);
      }
      const request = https.request(
        {
          host: input.host,
          port: input.port,
          path: '/',
          method: 'GET',
          headers: { host: input.port === 443 ? input.host : authority, 'user-agent': 'onecli-launcher-probe' },
          // No `agent`: with one (even `agent: false`) Node ignores createConnection and dials
          // the host directly, around the gateway.
          createConnection: () => tlsConnect({ socket, servername: isIP(input.host) ? '' : input.host, host: input.host, ca: input.caPem }),
          timeout: timeoutMs,
        },
        (response) => {
          const kind = response.headers[GATEWAY_ERROR_HEADER];
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (c: string) => (body = (body + c).slice(0, 4_096)));
          response.on('end', () => {
            if (typeof kind !== 'string') return resolve({ status: response.statusCode ?? 0, ms: ms() });
            // Our own error body: its message is ours (never upstream text, never a value).
            resolve({ status: response.statusCode ?? 0, ms: ms(), error: kind, message: errorMessage(body) });
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => fail('upstream_unreachable', `No answer from ${authority} through the gateway.`));
      request.end();
    });
    connect.end();
  });
}

function errorMessage(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    return '';
  }
}
