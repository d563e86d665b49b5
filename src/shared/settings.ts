import { z } from 'zod';
import { RouteName } from './gateway-config.js';
import { HeaderRule } from './header-rule.js';
import { DEFAULT_GATEWAY_PORT } from './product.js';
import { SecretReference } from './secret-reference.js';

/** The current settings schema version. Bump it with a migration in src/core/settings/migrations.ts. */
export const SETTINGS_VERSION = 2;

/**
 * A host mapped to a secret. `host` is the normalised key (`api.anthropic.com`,
 * `localhost:8443`, `*.example.com`): one mapping per host, and the id used everywhere.
 */
export const Mapping = z.object({
  host: z.string().min(1),
  reference: SecretReference,
  rule: HeaderRule,
  route: RouteName.optional(),
  createdAt: z.string(),
});
export type Mapping = z.infer<typeof Mapping>;

/** Where `op://` references are resolved. Local secrets (`local://`) need no source. */
export const SourceSettings = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** The token itself lives in the keychain, never here. */
  z.object({ kind: z.literal('service-account'), pairedAt: z.string() }),
  z.object({ kind: z.literal('desktop'), account: z.string().optional(), pairedAt: z.string() }),
]);
export type SourceSettings = z.infer<typeof SourceSettings>;

/** An agent's name and dates; its token lives in the keychain. */
export const AgentRecord = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,39}$/), createdAt: z.string() });
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
  mappings: z.array(Mapping).default([]),
  agents: z.array(AgentRecord).default([]),
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
