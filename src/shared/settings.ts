import { z } from 'zod';
import { RouteName } from './gateway-config.js';
import { BlockRule, EgressPolicy, RateLimit } from './agent-policy.js';
import { HeaderRule } from './header-rule.js';
import { HttpMethod, PathPrefix, mappingName } from './mapping-path.js';
import { DEFAULT_ONECLI_LISTEN, OnecliCompatSettings } from './onecli-compat.js';
import { DEFAULT_GATEWAY_PORT } from './product.js';
import { SecretReference } from './secret-reference.js';

/** The current settings schema version. Bump it with a migration in src/core/settings/migrations.ts. */
export const SETTINGS_VERSION = 4;

/**
 * A host (and optionally a path prefix and methods) mapped to a secret. `host` is the normalised
 * key (`api.anthropic.com`, `localhost:8443`, `*.example.com`). A host may have several mappings,
 * one per path prefix; a mapping's name (`HOST` or `HOST/PREFIX`, see `mappingNameOf`) is its id
 * everywhere: commands, agent scopes, the gateway, logs.
 */
export const Mapping = z.object({
  host: z.string().min(1),
  /** Only requests under this prefix get the credential; absent: every path. */
  path: PathPrefix.optional(),
  /** Only these methods get the credential; absent: every method. */
  methods: z.array(HttpMethod).min(1).max(20).optional(),
  reference: SecretReference,
  rule: HeaderRule,
  route: RouteName.optional(),
  /** Requests its credential is never used for, for any agent (403 `blocked_by_policy`); absent: none. */
  blocks: z.array(BlockRule).min(1).max(100).optional(),
  createdAt: z.string(),
});
export type Mapping = z.infer<typeof Mapping>;

/** A mapping's name and id: `api.github.com` or `api.github.com/repos/acme`. */
export function mappingNameOf(m: { readonly host: string; readonly path?: string | undefined }): string {
  return mappingName(m.host, m.path);
}

/** Where `op://` references are resolved. Local secrets (`local://`) need no source. */
export const SourceSettings = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** The token itself lives in the keychain, never here. */
  z.object({ kind: z.literal('service-account'), pairedAt: z.string() }),
  z.object({ kind: z.literal('desktop'), account: z.string().optional(), pairedAt: z.string() }),
]);
export type SourceSettings = z.infer<typeof SourceSettings>;

/** The mappings (by name) an agent may use, or all of them, those added later included. */
export const AgentAllow = z.union([z.literal('all'), z.array(z.string().min(1).max(600)).max(10_000)]);
export type AgentAllow = z.infer<typeof AgentAllow>;

/** `ask`: the first use of each mapping not approved "always" waits for the user (approval on first use). */
export const AgentPolicy = z.enum(['ask', 'allow']);
export type AgentPolicy = z.infer<typeof AgentPolicy>;

/** At most one limit per mapping (or the agent's whole traffic) and period. */
export const AgentLimits = z
  .array(RateLimit)
  .max(100)
  .superRefine((limits, ctx) => {
    const seen = new Set<string>();
    for (const [i, l] of limits.entries()) {
      const key = `${l.mapping ?? ''}\0${l.per}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `two limits per ${l.per}${l.mapping ? ` on ${l.mapping}` : ''}: keep one` });
      seen.add(key);
    }
  });

/**
 * An agent's name, dates, scope (authority), policy (consent) and where and how often it may go
 * (egress and rate limits, issue 14); its token (identity) lives in the keychain. `approved`
 * holds the mappings the user allowed "always".
 */
export const AgentRecord = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,39}$/),
  createdAt: z.string(),
  allow: AgentAllow.default('all'),
  policy: AgentPolicy.default('allow'),
  approved: z.array(z.string().min(1).max(600)).max(10_000).default([]),
  egress: EgressPolicy.default({ mode: 'open', hosts: [] }),
  limits: AgentLimits.default([]),
});
export type AgentRecord = z.infer<typeof AgentRecord>;

/** Notices the UI shows once (ids from NOTICES in src/shared/control-api.ts); dismissed ones are remembered. */
export const NoticeId = z.string().regex(/^[a-z0-9.-]{1,40}$/);

/**
 * Extra upstream trust for the gateway (a corporate CA that intercepts TLS): a PEM file the user
 * chose. Kept as a path, read at every gateway start, so a renewed file is picked up; added to
 * Node's public roots and to `--extra-ca` / NODE_EXTRA_CA_CERTS of the launch, if any.
 */
export const UpstreamSettings = z.object({ extraCaFile: z.string().min(1).max(1024).optional() });

export const Settings = z.object({
  version: z.literal(SETTINGS_VERSION),
  upstream: UpstreamSettings.default({}),
  gateway: z.object({ port: z.number().int().min(1024).max(65_535).default(DEFAULT_GATEWAY_PORT) }).default({ port: DEFAULT_GATEWAY_PORT }),
  source: SourceSettings.default({ kind: 'none' }),
  mappings: z
    .array(Mapping)
    .default([])
    .superRefine((mappings, ctx) => {
      const seen = new Set<string>();
      for (const [i, m] of mappings.entries()) {
        const name = mappingNameOf(m);
        if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i], message: `two mappings are named ${name}: keep one` });
        seen.add(name);
      }
    }),
  agents: z.array(AgentRecord).default([]),
  /** Upstream OneCLI's 1Password API served by this app (issue 15); off by default. */
  onecliCompat: OnecliCompatSettings.default({ enabled: false, listen: DEFAULT_ONECLI_LISTEN }),
  preferences: z
    .object({
      launchAtLogin: z.boolean().default(false),
      checkForUpdates: z.boolean().default(true),
      /** The user finished or skipped first-run setup; the UI stops offering it. */
      onboarded: z.boolean().default(false),
      /** One-time notices the user dismissed (notifications that macOS refused, …). */
      dismissedNotices: z.array(NoticeId).max(32).default([]),
    })
    .default({ launchAtLogin: false, checkForUpdates: true, onboarded: false, dismissedNotices: [] }),
});
export type Settings = z.infer<typeof Settings>;

export function defaultSettings(): Settings {
  return Settings.parse({ version: SETTINGS_VERSION });
}
