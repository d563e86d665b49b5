import type { Duplex } from 'node:stream';

/**
 * The long-lived connections each agent holds: tunnels (blind and terminated) and upgraded
 * sockets. Revoking an agent closes them at once, so a token that is gone stops working on
 * connections opened before, not only on new ones.
 */
export class AgentConnections {
  readonly #byAgent = new Map<string, Set<Duplex>>();

  /** Tracks `socket` under the agent's key until it closes. */
  add(agentKey: string, socket: Duplex): void {
    let set = this.#byAgent.get(agentKey);
    if (!set) this.#byAgent.set(agentKey, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      const current = this.#byAgent.get(agentKey);
      if (!current) return;
      current.delete(socket);
      if (current.size === 0) this.#byAgent.delete(agentKey);
    });
  }

  /** Destroys every connection of agents whose key `isCurrent` no longer accepts. Returns how many. */
  closeRevoked(isCurrent: (agentKey: string) => boolean): number {
    let closed = 0;
    for (const [key, sockets] of this.#byAgent) {
      if (isCurrent(key)) continue;
      this.#byAgent.delete(key);
      for (const socket of sockets) {
        socket.destroy();
        closed++;
      }
    }
    return closed;
  }
}
