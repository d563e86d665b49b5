import type { IncomingMessage, Server } from 'node:http';
import net, { type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { formatAuthority, parseAuthority, type Authority } from '../../shared/host-authority.js';
import type { GatewayMapping } from '../../shared/gateway-config.js';
import { writeRawError } from '../error-responses.js';
import { startActivity, type ActivityHandle, type GatewayState } from '../gateway-state.js';
import { describeError } from '../log.js';
import { setMitmContext } from './mitm.js';
import type { AgentIdentity } from '../agent-auth.js';

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n';

/**
 * `CONNECT host:port`. Mapped hosts are terminated here with a leaf from the local CA and
 * handed to the MITM server; anything else is a blind tunnel we never decrypt.
 */
export function handleConnect(state: GatewayState, mitmServer: Server, req: IncomingMessage, socket: Socket, head: Buffer): void {
  socket.setNoDelay(true);
  socket.on('error', (err) => state.log.debug({ err }, 'client socket error'));
  const authority = parseAuthority(req.url ?? '', 443);
  // Only a parsed authority is logged: a malformed target may be anything, a pasted token included.
  const activity = startActivity(state, 'tunnel', 'CONNECT', authority ? formatAuthority(authority) : '(invalid)');
  if (!authority || !/:\d+$/.test(req.url ?? '')) {
    writeRawError(socket, 'bad_request', null, 'CONNECT needs an authority of the form host:port.');
    activity.done(400, 'bad_request');
    return;
  }
  const agent = state.auth.identifyProxy(req.headers['proxy-authorization']);
  if (!agent) {
    writeRawError(
      socket,
      'proxy_auth_required',
      null,
      'Proxy authentication required: use the agent token as the proxy password (HTTPS_PROXY=http://x:<agent token>@host:port; `onecli-launcher env` prints it).',
    );
    activity.done(407, 'proxy_auth_required');
    return;
  }
  const mapping = state.table.forAuthority(authority.host, authority.port);
  activity.identify(agent.name, mapping?.id ?? null);
  // Revoking the agent closes this connection, whichever kind it becomes.
  state.connections.add(agent.key, socket);
  if (mapping) terminateTls(state, mitmServer, socket, head, authority, mapping, agent, activity);
  else tunnel(state, socket, head, authority, activity);
}

/**
 * SNI names the CONNECT host. Some clients (Go's hey) send `host:port` as SNI, which is the
 * same authority, so a port equal to the CONNECT port is tolerated.
 */
export function sniMatches(servername: string, authority: Authority): boolean {
  const name = servername.toLowerCase();
  return name === authority.host || name === `${authority.host}:${authority.port}`;
}

function terminateTls(
  state: GatewayState,
  mitmServer: Server,
  socket: Socket,
  head: Buffer,
  authority: Authority,
  mapping: GatewayMapping,
  agent: AgentIdentity,
  activity: ActivityHandle,
): void {
  socket.setTimeout(state.timeouts.handshakeMs, () => socket.destroy());
  const start = (secureContext: import('node:tls').SecureContext) => {
    if (socket.destroyed) return;
    socket.write(ESTABLISHED);
    if (head.length) socket.unshift(head);
    // The TLSSocket takes over the raw socket's handle (and its timeout from here on).
    socket.setTimeout(0);
    // http.Server sockets allow half-open connections, and the TLSSocket inherits that: a client
    // that closed would never be noticed, and each such socket would hold ~50 KiB of native TLS
    // state until a timer fired (test/integration/connection-lifetime.test.ts). HTTP clients do
    // not half-close mid-request, so the terminated side closes with its client.
    socket.allowHalfOpen = false;
    const tlsSocket = new TLSSocket(socket, {
      isServer: true,
      secureContext,
      ALPNProtocols: ['http/1.1'],
      // The decision was made on the CONNECT authority; a different SNI is a client trying
      // to reach another host under this mapping's leaf. Absent SNI (IP targets) is fine.
      SNICallback: (servername, cb) => {
        if (sniMatches(servername, authority)) cb(null, secureContext);
        else {
          // Only the SNI's length: a client can put anything there, a token included.
          state.log.warn(
            { authority: formatAuthority(authority), sniLength: servername.length, agent: agent.name },
            'refused: TLS SNI differs from the CONNECT authority',
          );
          cb(new Error('SNI does not match the CONNECT authority'));
        }
      },
    });
    tlsSocket.setTimeout(state.timeouts.handshakeMs, () => tlsSocket.destroy());
    tlsSocket.once('close', () => socket.destroy());
    tlsSocket.on('error', (err) => {
      state.log.debug({ err: describeError(err), authority: formatAuthority(authority) }, 'client TLS error');
      tlsSocket.destroy();
    });
    tlsSocket.once('secure', () => {
      tlsSocket.setTimeout(0); // from here the MITM server's idle timeout applies
      setMitmContext(tlsSocket, { authority, agent });
      state.connections.add(agent.key, tlsSocket);
      mitmServer.emit('connection', tlsSocket);
    });
    // No activity entry on success: each request inside the tunnel gets its own.
  };
  const context = state.leafs.contextFor(authority.host);
  if (context instanceof Promise) {
    context.then(start, (err) => {
      state.log.error({ err: describeError(err), host: authority.host }, 'minting a leaf certificate failed');
      writeRawError(socket, 'unavailable', mapping.id, 'The gateway could not mint a certificate for this host; see its log.');
      activity.done(502, 'unavailable');
    });
  } else start(context);
}

function tunnel(state: GatewayState, client: Socket, head: Buffer, authority: Authority, activity: ActivityHandle): void {
  const upstream = net.connect({ host: authority.host, port: authority.port, noDelay: true });
  let connected = false;
  const connectTimer = setTimeout(() => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), state.timeouts.upstreamConnectMs);
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(connectTimer);
    client.write(ESTABLISHED);
    if (head.length) upstream.write(head);
    for (const s of [client, upstream]) s.setTimeout(state.timeouts.idleMs, () => s.destroy());
    upstream.pipe(client);
    client.pipe(upstream);
    upstream.once('close', () => client.destroy());
    activity.done(200);
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    if (connected) return client.destroy();
    const status = err.code === 'ETIMEDOUT' ? 504 : 502;
    writeRawError(
      client,
      'upstream_unreachable',
      null,
      `Could not reach ${formatAuthority(authority)} (${err.code ?? 'error'}). Check the host and your network.`,
      status,
    );
    activity.done(status, 'upstream_unreachable');
  });
  client.once('close', () => upstream.destroy());
}
