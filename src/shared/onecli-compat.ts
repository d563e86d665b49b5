import { z } from 'zod';

/**
 * Upstream OneCLI's internal 1Password API, as this app serves it (issue 15). Upstream's Rust
 * gateway resolves a secret whose value source is `onepassword` by POSTing to its Node API at
 * `INTERNAL_API_URL`; pointed at this app, the same calls land on the OneCLI door instead
 * (src/core/onecli). The shapes are upstream's, from onecli/onecli @ ff7a192:
 * - request bodies: packages/api/src/validations/internal.ts (the same zod schemas and messages);
 * - responses: packages/api/src/routes/internal.ts and services/onepassword-service.ts;
 * - errors: middleware/error-handler.ts (`{ error: { message, type } }`) and internal-auth.ts (401);
 * - the caller: apps/gateway/src/vault/onepassword_api.rs (headers, body, 15 s timeout) and
 *   onepassword.rs (what each status means to its cache).
 */

/** Every route is `POST <prefix><operation>` (upstream mounts them at /v1/internal/onepassword/…). */
export const ONECLI_ROUTE_PREFIX = '/v1/internal/onepassword/';
export const ONECLI_OPERATIONS = ['validate', 'resolve', 'list-vaults', 'list-items', 'list-fields'] as const;
export type OnecliOperation = (typeof ONECLI_OPERATIONS)[number];

/** The shared secret's header (onepassword_api.rs `send`; internal-auth.ts reads `X-Gateway-Secret`). */
export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';

/**
 * The variables upstream's gateway reads (onepassword_api.rs `internal_api_url`, `internal_secret`).
 * Issue 15 named the second `GATEWAY_SECRET`; nothing upstream reads that name.
 */
export const ONECLI_GATEWAY_ENV = { url: 'INTERNAL_API_URL', secret: 'GATEWAY_INTERNAL_SECRET' } as const;

/** How long upstream's gateway waits for an answer (onepassword_api.rs `REQUEST_TIMEOUT`). */
export const ONECLI_GATEWAY_TIMEOUT_MS = 15_000;

/**
 * The door's port unless the user names another. Not 10255 (our gateway, and upstream's in its
 * compose file) nor 10256 (our control API, and upstream's own API, which `INTERNAL_API_URL`
 * points at by default).
 */
export const DEFAULT_ONECLI_COMPAT_PORT = 10_257;

const Token = z.string().min(1, 'token is required');
const VaultId = z.string().min(1, 'vaultId is required');

/** What each operation's body must hold: upstream's schemas, so a failure reads as upstream's would. */
export const ONECLI_REQUESTS = {
  validate: z.object({ token: Token }),
  resolve: z.object({ token: Token, op_ref: z.string().min(1, 'op_ref is required') }),
  'list-vaults': z.object({ token: Token }),
  'list-items': z.object({ token: Token, vaultId: VaultId }),
  'list-fields': z.object({ token: Token, vaultId: VaultId, itemId: z.string().min(1, 'itemId is required') }),
} as const satisfies Record<OnecliOperation, z.ZodType>;
export type OnecliRequest<O extends OnecliOperation> = z.infer<(typeof ONECLI_REQUESTS)[O]>;

const Titled = z.object({ id: z.string(), title: z.string() });

/** What each operation answers with 200. `list-fields` never carries a value. */
export const ONECLI_RESPONSES = {
  validate: z.object({ valid: z.literal(true) }),
  resolve: z.object({ value: z.string() }),
  'list-vaults': z.object({ vaults: z.array(Titled) }),
  'list-items': z.object({ items: z.array(Titled.extend({ category: z.string() })) }),
  'list-fields': z.object({
    fields: z.array(Titled.extend({ fieldType: z.string(), sectionId: z.string().optional() })),
    sections: z.array(Titled),
  }),
} as const satisfies Record<OnecliOperation, z.ZodType>;
export type OnecliResponse<O extends OnecliOperation> = z.infer<(typeof ONECLI_RESPONSES)[O]>;

/**
 * Every failure: upstream's `{ error: { message, type } }`; `code` is ours (the shared error
 * vocabulary: `not_found`, `not_permitted`, …), which upstream's gateway ignores.
 */
export const OnecliErrorBody = z.object({
  error: z.object({ message: z.string(), type: z.string(), code: z.string().optional() }),
});
export type OnecliErrorBody = z.infer<typeof OnecliErrorBody>;

/** An address the door listens on: an IP literal and a port (0: any free port, chosen at each start). */
export interface ListenAddress {
  /** As `net.Server.listen` takes it: `127.0.0.1`, `::1` (no brackets). */
  readonly host: string;
  readonly port: number;
  /** Only this machine can connect: 127.0.0.0/8 or ::1. */
  readonly loopback: boolean;
  /** Every interface: 0.0.0.0 or ::. */
  readonly unspecified: boolean;
  /** Canonical `HOST:PORT`, IPv6 in brackets: what settings keep. */
  readonly text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const LISTEN_HELP = 'give an IP address and a port, such as 127.0.0.1:10257 or [::1]:10257 (a host name is not taken: what it resolves to can change)';

/**
 * `127.0.0.1:10257` or `[::1]:10257`, or the sentence that says what is wrong. Only IP literals:
 * a name could resolve elsewhere tomorrow, and what the door exposes depends on the address.
 * URL, not node:net: this file is also read by the UI.
 */
export function parseListenAddress(raw: string): ListenAddress | { error: string } {
  const m = /^(\[[^\]]*\]|[^:[\]]+):(\d{1,5})$/.exec(raw.trim());
  if (!m?.[1] || m[2] === undefined) return { error: LISTEN_HELP };
  const port = Number(m[2]);
  if (port > 65_535) return { error: `${port} is not a port: ports go up to 65535` };
  let host: string;
  if (m[1].startsWith('[')) {
    const url = URL.parse(`http://${m[1]}/`);
    if (!url?.hostname.startsWith('[')) return { error: LISTEN_HELP };
    host = url.hostname.slice(1, -1);
  } else {
    const octets = IPV4.exec(m[1])?.slice(1).map(Number);
    if (!octets || octets.some((o) => o > 255)) return { error: LISTEN_HELP };
    host = octets.join('.');
  }
  const v6 = host.includes(':');
  // ::ffff:127.0.0.1 is written ::ffff:7f00:1 by the URL parser.
  const loopback = v6 ? host === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host) : host.startsWith('127.');
  const unspecified = host === '0.0.0.0' || host === '::';
  return { host, port, loopback, unspecified, text: `${v6 ? `[${host}]` : host}:${port}` };
}

export const DEFAULT_ONECLI_LISTEN = `127.0.0.1:${DEFAULT_ONECLI_COMPAT_PORT}`;

/** `HOST:PORT` as the user typed it, kept canonical. */
export const ListenAddressText = z
  .string()
  .max(64)
  .transform((raw, ctx) => {
    const parsed = parseListenAddress(raw);
    if ('error' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    return parsed.text;
  });

/**
 * The OneCLI door in the settings: off until `onecli-compat enable`. The gateway secret lives in
 * the keychain, never here. No settings version bump for it: an older launcher drops the field
 * when it next writes the file, which turns the door off, the safe direction (docs/onecli.md).
 */
export const OnecliCompatSettings = z.object({
  enabled: z.boolean().default(false),
  listen: ListenAddressText.default(DEFAULT_ONECLI_LISTEN),
});
export type OnecliCompatSettings = z.infer<typeof OnecliCompatSettings>;

/** The agent whose scope, policy and rate limits apply to everything OneCLI asks for. */
export const ONECLI_AGENT = 'onecli';
