import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { AgentCredential } from '../shared/gateway-config.js';
import { allowlistFor, type EgressAllowlist } from './egress.js';

type AgentCredentialInput = z.input<typeof AgentCredential>;

/** What an agent may do: its scope and whether it asks first. Looked up per request, in O(1). */
export interface AgentPolicy {
  /** undefined: every mapping. */
  readonly allow: ReadonlySet<string> | undefined;
  readonly ask: boolean;
  readonly approved: ReadonlySet<string>;
  /** undefined: egress is open (unmapped hosts are tunnelled blindly). */
  readonly egress: EgressAllowlist | undefined;
}

interface AgentDigest {
  readonly name: string;
  readonly digest: Buffer;
  readonly key: string;
  readonly policy: AgentPolicy;
}

/** Who a connection belongs to: the name, and a key (the token's digest) that revocation checks. */
export interface AgentIdentity {
  readonly name: string;
  readonly key: string;
}

/**
 * True when `after` grants less than `before`: it asks where it did not, lost an "always", or
 * lost a mapping from its scope. A session approval made under the old policy then ends; one
 * that only grew (a new "always", a wider scope) keeps the agent's other sessions.
 */
export function policyNarrowed(before: AgentPolicy, after: AgentPolicy): boolean {
  if (after.ask && !before.ask) return true;
  for (const m of before.approved) if (!after.approved.has(m)) return true;
  if (after.allow === undefined) return false;
  if (before.allow === undefined) return true;
  for (const m of before.allow) if (!after.allow.has(m)) return true;
  return false;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Verifies agent tokens in constant time. Only SHA-256 digests are kept, so a heap dump of
 * the gateway does not hand out agent tokens.
 */
export class AgentAuth {
  #agents: readonly AgentDigest[] = [];
  /** digest (hex) → name: O(1) "is this connection's agent still current?" on every request. */
  #current = new Map<string, AgentDigest>();

  constructor(agents: readonly AgentCredentialInput[]) {
    this.set(agents);
  }

  /** Replaces the agents; returns the keys (tokens) whose sessions must end: gone, or their policy narrowed. */
  set(agents: readonly AgentCredentialInput[]): string[] {
    const before = this.#current;
    const allowlists = new Map<string, EgressAllowlist>();
    this.#agents = agents.map((a) => {
      const d = digest(a.token);
      const allow = a.allow === undefined || a.allow === 'all' ? undefined : new Set(a.allow);
      const egress = a.egress?.mode === 'allowlist' ? allowlistFor(a.egress.hosts ?? [], allowlists) : undefined;
      return { name: a.name, digest: d, key: d.toString('hex'), policy: { allow, ask: a.ask ?? false, approved: new Set(a.approved ?? []), egress } };
    });
    this.#current = new Map(this.#agents.map((a) => [a.key, a]));
    const ended: string[] = [];
    for (const [key, old] of before) {
      const now = this.#current.get(key);
      if (!now || now.name !== old.name || policyNarrowed(old.policy, now.policy)) ended.push(key);
    }
    return ended;
  }

  /** The current policy of a connection's agent, or undefined once it was revoked. */
  policyOf(identity: AgentIdentity): AgentPolicy | undefined {
    const agent = this.#current.get(identity.key);
    return agent?.name === identity.name ? agent.policy : undefined;
  }

  /** The current policy of the agent with this key (a tracked connection's), or undefined. */
  policyOfKey(key: string): AgentPolicy | undefined {
    return this.#current.get(key)?.policy;
  }

  /** The agent and its key, for connections that outlive one request (tunnels, upgrades). */
  identify(token: string | undefined): AgentIdentity | undefined {
    if (!token) return undefined;
    const given = digest(token);
    let match: AgentIdentity | undefined;
    for (const agent of this.#agents) {
      if (timingSafeEqual(given, agent.digest) && match === undefined) match = { name: agent.name, key: agent.key };
    }
    return match;
  }

  identifyProxy(header: string | undefined): AgentIdentity | undefined {
    return this.identify(basicPassword(header));
  }

  /** False once the agent's token was revoked or replaced. */
  isCurrent(identity: AgentIdentity): boolean {
    return this.#current.get(identity.key)?.name === identity.name;
  }

  isCurrentKey = (key: string): boolean => this.#current.has(key);

  /** The agent's name, or undefined. Compares against every agent, so timing says nothing. */
  verify(token: string | undefined): string | undefined {
    return this.identify(token)?.name;
  }

  /** `Proxy-Authorization: Basic base64("x:<token>")`; the user part is ignored. */
  fromProxyAuthorization(header: string | undefined): string | undefined {
    return this.identifyProxy(header)?.name;
  }

  /** The base-URL door: the token rides where the SDK puts its API key. */
  fromApiKeyHeaders(xApiKey: string | undefined, authorization: string | undefined, xGoogApiKey?: string): string | undefined {
    return this.identifyApiKey(xApiKey, authorization, xGoogApiKey)?.name;
  }

  /** `x-api-key` (Anthropic's SDKs), `x-goog-api-key` (@google/genai), else `Authorization: Bearer` (OpenAI's and most others). */
  identifyApiKey(xApiKey: string | undefined, authorization: string | undefined, xGoogApiKey?: string): AgentIdentity | undefined {
    if (xApiKey) return this.identify(xApiKey);
    if (xGoogApiKey) return this.identify(xGoogApiKey);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return this.identify(bearer?.[1]);
  }
}

function basicPassword(header: string | undefined): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(colon + 1);
}
