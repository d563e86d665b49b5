/**
 * Red-team support: one hostile script behind every door of a real gateway process. The TLS
 * upstream serves the proxy door (CONNECT + MITM), the base-URL door and absolute-form requests
 * addressed to the gateway itself; a plain-TCP twin on loopback serves the plain-HTTP door.
 */
import { SECRETS } from './fixture.js';
import { startGatewayProcess, type GatewayProcess, type MappingSpec } from './gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from './pki.js';
import { frontRequest, proxyAuth, startHostileUpstream, upgradeRequest, viaTunnel, type HostileScript, type HostileUpstream } from './redteam-wire.js';

export type Door = 'route' | 'self' | 'mitm' | 'plain';
export const DOORS: readonly Door[] = ['route', 'self', 'mitm', 'plain'];

export interface Bench {
  ca: CaPem;
  upstreamCa: CaPem;
  tls: HostileUpstream;
  plain: HostileUpstream;
  /** A second TLS upstream under route `alt`, with its own value (`altValue`). */
  alt: HostileUpstream;
  gateway: GatewayProcess;
  /** GET `path` through `door` with `Connection: close`: every byte the agent receives. */
  get(door: Door, path: string, extraHeaders?: string): Promise<Buffer>;
  /** A WebSocket upgrade to `path` through `door`, then `after` (client bytes); every byte back. */
  upgrade(door: Door, path: string, after?: Buffer, timeoutMs?: number): Promise<Buffer>;
  stop(): Promise<void>;
}

/** `blocks`: block rules on the TLS and plain mappings (the base-URL, self and MITM doors reach the first, the plain-HTTP door the second). */
export async function startBench(
  script: HostileScript,
  { altValue = SECRETS.value as string, extra = [] as MappingSpec[], blocks = undefined as unknown[] | undefined } = {},
): Promise<Bench> {
  const [ca, upstreamCa] = await Promise.all([makeCa('Red-team Local CA'), makeCa('Red-team Upstream CA')]);
  const pem = await makeServerCert(upstreamCa, ['localhost']);
  const [tls, plain, alt] = await Promise.all([startHostileUpstream(pem, script), startHostileUpstream(null, script), startHostileUpstream(pem, script)]);
  const gateway = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [
      { host: tls.authority, header: 'x-api-key', route: 'h', value: SECRETS.value, ...(blocks ? { blocks } : {}) },
      { host: plain.authority, header: 'x-api-key', value: SECRETS.value, ...(blocks ? { blocks } : {}) },
      { host: alt.authority, header: 'x-api-key', route: 'alt', value: altValue },
      ...extra,
    ],
    logLevel: 'info',
  });
  const port = gateway.port;
  const token = SECRETS.agentToken;
  const get = (door: Door, path: string, extraHeaders = '') => {
    switch (door) {
      case 'route':
        return frontRequest(port, `GET /r/h${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-api-key: ${token}\r\n${extraHeaders}Connection: close\r\n\r\n`);
      case 'self':
        return frontRequest(
          port,
          `GET http://127.0.0.1:${port}/r/h${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${proxyAuth(token)}x-api-key: ${token}\r\n${extraHeaders}Connection: close\r\n\r\n`,
        );
      case 'mitm':
        return viaTunnel(port, token, tls.authority, ca.certPem, `GET ${path} HTTP/1.1\r\nHost: ${tls.authority}\r\n${extraHeaders}Connection: close\r\n\r\n`);
      case 'plain':
        return frontRequest(
          port,
          `GET http://${plain.authority}${path} HTTP/1.1\r\nHost: ${plain.authority}\r\n${proxyAuth(token)}${extraHeaders}Connection: close\r\n\r\n`,
        );
    }
  };
  const upgrade = async (door: Door, path: string, after = Buffer.alloc(0), timeoutMs = 3_000) => {
    const auth = `x-api-key: ${token}\r\n`;
    const withAfter = (req: string) => Buffer.concat([Buffer.from(req), after]);
    switch (door) {
      case 'route':
        return frontRequest(port, withAfter(upgradeRequest(`/r/h${path}`, `127.0.0.1:${port}`, auth)), timeoutMs);
      case 'self':
        return frontRequest(port, withAfter(upgradeRequest(`http://127.0.0.1:${port}/r/h${path}`, `127.0.0.1:${port}`, proxyAuth(token) + auth)), timeoutMs);
      case 'mitm':
        return viaTunnel(port, token, tls.authority, ca.certPem, withAfter(upgradeRequest(path, tls.authority)), timeoutMs);
      case 'plain':
        return frontRequest(port, withAfter(upgradeRequest(`http://${plain.authority}${path}`, plain.authority, proxyAuth(token))), timeoutMs);
    }
  };
  return {
    ca,
    upstreamCa,
    tls,
    plain,
    alt,
    gateway,
    get,
    upgrade,
    stop: async () => {
      await gateway.stop();
      await Promise.all([tls.close(), plain.close(), alt.close()]);
    },
  };
}
