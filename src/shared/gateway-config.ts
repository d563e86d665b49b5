import { z } from 'zod';
import { BasicTemplate, QueryParamName } from './credential-shapes.js';
import { HeaderName, HeaderRule, MAX_HEADER_PARTS, ValueTemplate } from './header-rule.js';
import { BlockRule, EgressPolicy, RateLimit } from './agent-policy.js';
import { HttpMethod, PathPrefix } from './mapping-path.js';

/** A base-URL route name: `/r/<route>/…` on the gateway's port. */
export const RouteName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, such as "anthropic"');

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

/** Timeouts that protect the gateway from idle and slow clients. Defaults suit agents; tests shorten them. */
export const GatewayTimeouts = z.object({
  /** From CONNECT to a finished TLS handshake with the client. */
  handshakeMs: z.number().int().positive().default(10_000),
  /** Time a client has to send a request's headers on the front door (slowloris). */
  headersMs: z.number().int().positive().default(30_000),
  /** A connection or tunnel with no traffic either way for this long is closed. */
  idleMs: z.number().int().positive().default(300_000),
  /** Keep-alive wait for the next request on an idle client connection. */
  keepAliveMs: z.number().int().positive().default(30_000),
  /** Connecting to an upstream (TCP + TLS). */
  upstreamConnectMs: z.number().int().positive().default(15_000),
  /** Waiting for the launcher to resolve a credential (1Password may be showing a prompt). */
  resolveMs: z.number().int().positive().default(90_000),
});
export type GatewayTimeouts = z.infer<typeof GatewayTimeouts>;

/** One mapping as the gateway holds it: where to inject and how. The value is resolved on demand. */
export const GatewayMapping = z.object({
  /** Stable id: names the mapping in logs, errors and resolve requests. */
  id: z.string().min(1).max(200),
  /** Lower-case host, or `*.example.com` for exactly one extra label. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  rule: HeaderRule,
  route: RouteName.optional(),
  /** Only requests under this path prefix get the credential; absent: every path. */
  path: PathPrefix.optional(),
  /** Only these methods get the credential; absent: every method. */
  methods: z.array(HttpMethod).min(1).max(20).optional(),
  /** Requests this mapping's credential is never used for (403 `blocked_by_policy`); absent: none. */
  blocks: z.array(BlockRule).min(1).max(100).optional(),
});
export type GatewayMapping = z.infer<typeof GatewayMapping>;

export const AgentCredential = z.object({
  name: z.string().min(1).max(100),
  token: z.string().min(16, 'agent tokens must be at least 16 characters'),
  /** The mappings (by id) this agent may use, or all of them. */
  allow: z.union([z.literal('all'), z.array(z.string().min(1))]).default('all'),
  /** Ask the user before the first use of each mapping not yet approved. */
  ask: z.boolean().default(false),
  /** Mappings approved "always" (kept in the settings). */
  approved: z.array(z.string().min(1)).default([]),
  /** Where the agent may go; the default (`open`) tunnels unmapped hosts blindly, as before issue 14. */
  egress: EgressPolicy.default({ mode: 'open', hosts: [] }),
  /** Requests per minute/hour/day, for all its traffic or per mapping; none by default. */
  limits: z.array(RateLimit).max(100).default([]),
});
export type AgentCredential = z.infer<typeof AgentCredential>;

/** What the launcher sends the gateway at start (over IPC; never written to disk). */
export const GatewayRuntimeConfig = z.object({
  listen: z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65_535) }),
  ca: z.object({ certPem: z.string().min(1), keyPem: z.string().min(1) }),
  /** PEM bundle trusted for upstreams on top of the bundled public roots (corporate CA). */
  extraCaPem: z.string().optional(),
  agents: z.array(AgentCredential),
  mappings: z.array(GatewayMapping),
  logLevel: LogLevel.default('info'),
  timeouts: GatewayTimeouts.default(GatewayTimeouts.parse({})),
});
export type GatewayRuntimeConfig = z.infer<typeof GatewayRuntimeConfig>;
export type GatewayRuntimeConfigInput = z.input<typeof GatewayRuntimeConfig>;

/** Environment variable names, so the file never holds a secret. */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/**
 * `node dist/gateway/main.js --config FILE`: the standalone contract (docs/gateway.md).
 * Other tooling depends on it: add fields, never change the meaning of one.
 */
export const GatewayConfigFile = z
  .object({
    listen: z.string().min(1),
    ca: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict(),
    extraCaFile: z.string().min(1).optional(),
    agentTokensEnv: EnvName,
    mappings: z
      .array(
        z
          .object({
            host: z.string().min(1),
            header: HeaderName.optional(),
            template: ValueTemplate.optional(),
            valueEnv: EnvName,
            route: RouteName.optional(),
            /** Basic auth from a template, such as "x-access-token:{value}". */
            basic: BasicTemplate.optional(),
            /** A query parameter that carries the value, such as "key". */
            query: QueryParamName.optional(),
            /** Several headers: the first takes `valueEnv`, each other one the next of `valueEnvs`. */
            headers: z
              .array(z.object({ header: HeaderName, template: ValueTemplate.optional() }).strict())
              .min(2)
              .max(MAX_HEADER_PARTS)
              .optional(),
            /** A catalog entry's shape (src/shared/providers.ts), such as "github". */
            preset: z.string().min(1).max(64).optional(),
            /** The values of a several-header shape after the first, in order. */
            valueEnvs: z
              .array(EnvName)
              .max(MAX_HEADER_PARTS - 1)
              .optional(),
            /** Only requests under this prefix get the value; a host may have one mapping per path (and methods). */
            path: PathPrefix.optional(),
            /** Only these methods get it. */
            methods: z.array(HttpMethod).min(1).max(20).optional(),
            blocks: z.array(BlockRule).min(1).max(100).optional(),
          })
          .strict(),
      )
      .default([]),
    /**
     * Policy per agent, keyed by the name the gateway gives each token: `agent` for one token,
     * `agent-1`, `agent-2`… for several. A limit's `mapping` names a mapping by its `host`.
     */
    agents: z
      .record(z.string().min(1).max(100), z.object({ egress: EgressPolicy.optional(), limits: z.array(RateLimit).max(100).optional() }).strict())
      .optional(),
    logLevel: LogLevel.optional(),
    timeouts: GatewayTimeouts.partial().strict().optional(),
  })
  .strict();
export type GatewayConfigFile = z.infer<typeof GatewayConfigFile>;
