import type { Duplex } from 'node:stream';
import { formatAuthority, parseAuthority, type Authority } from '../shared/host-authority.js';

/** Sockets grouped by a key, each removed when it closes. */
class SocketGroups {
  readonly #groups = new Map<string, Set<Duplex>>();

  add(key: string, socket: Duplex): void {
    let set = this.#groups.get(key);
    if (!set) this.#groups.set(key, (set = new Set()));
    // Idempotent: a keep-alive connection is added once per request, with one close listener.
    if (set.has(socket)) return;
    set.add(socket);
    socket.once('close', () => {
      const current = this.#groups.get(key);
      if (!current) return;
      current.delete(socket);
      if (current.size === 0) this.#groups.delete(key);
    });
  }

  /** Destroys the sockets of every group `keep` refuses. Returns how many. */
  closeUnless(keep: (key: string) => boolean): number {
    let closed = 0;
    for (const [key, sockets] of this.#groups) {
      if (keep(key)) continue;
      this.#groups.delete(key);
      for (const socket of sockets) {
        socket.destroy();
        closed++;
      }
    }
    return closed;
  }
}

/**
 * The long-lived connections the gateway holds for agents: tunnels (blind and terminated) per
 * agent, and upgraded sockets (WebSockets) per mapping too. Revoking an agent closes its
 * connections at once, so a token that is gone stops working on connections opened before, not
 * only on new ones; removing or changing a mapping closes the WebSockets opened with its
 * credential. (A request on a kept-alive tunnel looks its mapping up again anyway: doors/mitm.ts.)
 */
export class AgentConnections {
  readonly #byAgent = new SocketGroups();
  readonly #upgradesByMapping = new SocketGroups();
  /** Tunnels and upgraded sockets by agent and the authority they reach: `agentKey host:port`. */
  readonly #byEgress = new SocketGroups();

  /** Tracks `socket` under the agent's key until it closes. */
  add(agentKey: string, socket: Duplex): void {
    this.#byAgent.add(agentKey, socket);
  }

  /** Tracks an upgraded socket that carries `mappingId`'s credential. */
  addUpgrade(mappingId: string, socket: Duplex): void {
    this.#upgradesByMapping.add(mappingId, socket);
  }

  /** Tracks a connection of `agentKey` to `authority` that outlives one request (tunnel, WebSocket). */
  addEgress(agentKey: string, authority: Authority, socket: Duplex): void {
    this.#byEgress.add(`${agentKey} ${formatAuthority(authority)}`, socket);
  }

  /** Destroys the tracked connections `mayReach` no longer allows (the agent's egress or the mappings changed). */
  closeEgressDenied(mayReach: (agentKey: string, host: string, port: number) => boolean): number {
    return this.#byEgress.closeUnless((key) => {
      const space = key.indexOf(' ');
      const authority = parseAuthority(key.slice(space + 1), 443);
      return authority !== undefined && mayReach(key.slice(0, space), authority.host, authority.port);
    });
  }

  /** Destroys every connection of agents whose key `isCurrent` no longer accepts. */
  closeRevoked(isCurrent: (agentKey: string) => boolean): number {
    return this.#byAgent.closeUnless(isCurrent);
  }

  /** Destroys every tracked connection (the gateway is stopping). */
  closeAll(): number {
    return this.#byAgent.closeUnless(() => false) + this.#upgradesByMapping.closeUnless(() => false) + this.#byEgress.closeUnless(() => false);
  }

  /** Destroys upgraded sockets of mappings `isUnchanged` no longer accepts. */
  closeUnmapped(isUnchanged: (mappingId: string) => boolean): number {
    return this.#upgradesByMapping.closeUnless(isUnchanged);
  }
}
