import { createHash, timingSafeEqual } from 'node:crypto';
import type { AgentCredential } from '../shared/gateway-config.js';

interface AgentDigest {
  readonly name: string;
  readonly digest: Buffer;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Verifies agent tokens in constant time. Only SHA-256 digests are kept, so a heap dump of
 * the gateway does not hand out agent tokens.
 */
export class AgentAuth {
  #agents: readonly AgentDigest[] = [];

  constructor(agents: readonly AgentCredential[]) {
    this.set(agents);
  }

  set(agents: readonly AgentCredential[]): void {
    this.#agents = agents.map((a) => ({ name: a.name, digest: digest(a.token) }));
  }

  /** The agent's name, or undefined. Compares against every agent, so timing says nothing. */
  verify(token: string | undefined): string | undefined {
    if (!token) return undefined;
    const given = digest(token);
    let match: string | undefined;
    for (const agent of this.#agents) {
      if (timingSafeEqual(given, agent.digest) && match === undefined) match = agent.name;
    }
    return match;
  }

  /** `Proxy-Authorization: Basic base64("x:<token>")`; the user part is ignored. */
  fromProxyAuthorization(header: string | undefined): string | undefined {
    return this.verify(basicPassword(header));
  }

  /** The base-URL door: the token rides where the SDK puts its API key. */
  fromApiKeyHeaders(xApiKey: string | undefined, authorization: string | undefined): string | undefined {
    if (xApiKey) return this.verify(xApiKey);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return this.verify(bearer?.[1]);
  }
}

function basicPassword(header: string | undefined): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(colon + 1);
}
