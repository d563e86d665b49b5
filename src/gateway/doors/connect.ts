import type { IncomingMessage, Server } from 'node:http';
import net, { type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { formatAuthority, parseAuthority, type Authority } from '../../shared/host-authority.js';
import type { GatewayMapping } from '../../shared/gateway-config.js';
import type { AgentIdentity, AgentPolicy } from '../agent-auth.js';
import { MAX_HELLO_BYTES, peekClientHello } from '../client-hello.js';
import { canonicalHost, lookupRefusingThisMachine, needsResolutionGuard } from '../egress.js';
import { writeRawError } from '../error-responses.js';
import { startActivity, type ActivityHandle, type GatewayState } from '../gateway-state.js';
import { describeError } from '../log.js';
import { egressAllows, egressDenied, egressRefusal, rateRefusal, type PolicyRefusal } from '../request-policy.js';
import { setMitmContext } from './mitm.js';

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
  const policy = state.auth.policyOf(agent);
  if (!policy) {
    writeRawError(socket, 'proxy_auth_required', null, 'This agent token was revoked or replaced: get a new one (`onecli-launcher env`).');
    activity.done(407, 'proxy_auth_required');
    return;
  }
  // Egress is decided before anything is opened: a denied host never sees a socket from us.
  // A blind tunnel counts once against the agent's limits (what goes inside it cannot be seen).
  const refused = egressRefusal(state.table, agent, policy, authority.host, authority.port) ?? (mapping ? undefined : rateRefusal(state.limits, agent, null));
  if (refused) return refuseConnect(socket, activity, refused);
  // Revoking the agent, or a policy that no longer allows this host, closes this connection, whichever kind it becomes.
  state.connections.add(agent.key, socket);
  state.connections.addEgress(agent.key, authority, socket);
  if (mapping) terminateTls(state, mitmServer, socket, head, authority, mapping, agent, policy, activity);
  else tunnel(state, socket, head, authority, agent, policy, activity);
}

function refuseConnect(socket: Socket, activity: ActivityHandle, refusal: PolicyRefusal): void {
  activity.rule(refusal.rule);
  writeRawError(socket, refusal.code, null, refusal.message, undefined, refusal.details);
  activity.done(refusal.code === 'rate_limited_by_policy' ? 429 : 403, refusal.code);
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
  policy: AgentPolicy,
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
      setMitmContext(tlsSocket, { authority, agent, policy });
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

function tunnel(
  state: GatewayState,
  client: Socket,
  head: Buffer,
  authority: Authority,
  agent: AgentIdentity,
  policy: AgentPolicy,
  activity: ActivityHandle,
): void {
  // An allowlisted agent's name must not resolve to this machine (egress.ts says why).
  const guarded = policy.egress !== undefined && needsResolutionGuard(authority.host);
  const upstream = net.connect({ host: authority.host, port: authority.port, noDelay: true, ...(guarded ? { lookup: lookupRefusingThisMachine } : {}) });
  let connected = false;
  const connectTimer = setTimeout(() => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), state.timeouts.upstreamConnectMs);
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(connectTimer);
    client.write(ESTABLISHED);
    for (const s of [client, upstream]) s.setTimeout(state.timeouts.idleMs, () => s.destroy());
    upstream.pipe(client);
    state.reclaim.count(upstream);
    upstream.once('close', () => client.destroy());
    activity.done(200);
    const splice = (first: Buffer) => {
      if (first.length) upstream.write(first);
      client.pipe(upstream);
      state.reclaim.count(client);
    };
    if (policy.egress) holdUntilServerName(state, client, upstream, head, authority, agent, splice);
    else splice(head);
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    if (connected) return client.destroy();
    if (err.code === 'EGRESS_LOOPBACK') {
      state.log.warn({ agent: agent.name, authority: formatAuthority(authority) }, 'refused: an allowlisted name resolves to this machine');
      return refuseConnect(client, activity, egressDenied(agent, formatAuthority(authority)));
    }
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

/**
 * For an allowlisted agent, the client's first bytes go upstream only once its TLS ClientHello
 * names the CONNECT host or another host the agent may reach: a tunnel to an allowed CDN edge
 * cannot be fronted to a denied name by SNI. Not TLS (SSH to an allowed `host:22`), or TLS
 * without SNI: the bytes can only reach the allowed host, so they pass.
 */
function holdUntilServerName(
  state: GatewayState,
  client: Socket,
  upstream: Socket,
  head: Buffer,
  authority: Authority,
  agent: AgentIdentity,
  splice: (first: Buffer) => void,
): void {
  let held = head;
  const decide = (): boolean => {
    const peek = peekClientHello(held);
    if (peek.kind === 'more' && held.length <= MAX_HELLO_BYTES) return false;
    client.off('data', onData);
    client.pause();
    const name = peek.kind === 'hello' && peek.serverName !== undefined ? canonicalHost(peek.serverName) : undefined;
    const named = peek.kind === 'hello' && peek.serverName !== undefined;
    const policy = state.auth.policyOf(agent);
    // TLS we cannot read (a ClientHello past MAX_HELLO_BYTES, which OpenSSL accepts up to 128 KiB,
    // or one our parser rejects) may still name a denied host to the server: it is refused.
    const allowed =
      peek.kind === 'not-tls' ||
      (peek.kind === 'hello' &&
        (!named || (name !== undefined && policy !== undefined && (name === authority.host || egressAllows(state.table, policy, name, authority.port)))));
    if (allowed) {
      splice(held);
      return true;
    }
    const where = name !== undefined ? formatAuthority({ host: name, port: authority.port }) : '(invalid)';
    // Only the canonical name is logged: an SNI that is no host name may be anything, a token included.
    state.log.warn(
      { agent: agent.name, authority: formatAuthority(authority), sni: where },
      'refused: TLS SNI in a blind tunnel names a host outside the allowlist',
    );
    const activity = startActivity(state, 'tunnel', 'CONNECT', where);
    activity.identify(agent.name, null);
    activity.rule('egress allowlist (TLS SNI)');
    activity.done(403, 'egress_denied');
    upstream.destroy();
    client.destroy();
    return true;
  };
  const onData = (chunk: Buffer) => {
    held = Buffer.concat([held, chunk]);
    decide();
  };
  if (held.length && decide()) return;
  client.on('data', onData);
}
