import { z } from 'zod';
import { HttpMethod, PathPrefix } from './mapping-path.js';

/**
 * Policy (issue 14): where an agent may go (egress), how often (rate limits), and what may
 * never be done with a mapping's credential (block rules). Plain data, like mappings: the
 * settings store it, the gateway receives it, a `--config` file can hold it.
 */

/** `open`: unmapped hosts are tunnelled blindly (the default). `allowlist`: only listed hosts and mapped hosts in scope. */
export const EgressMode = z.enum(['open', 'allowlist']);
export type EgressMode = z.infer<typeof EgressMode>;

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A host as the WHATWG URL host parser reads it (what the gateway's CONNECT parsing uses too):
 * lower case, IDNA to punycode, IPv4 in dotted form (`2130706433` is `127.0.0.1`), IPv6 in
 * brackets and compressed, no trailing dot. URL, not node:url: this file is also the UI's.
 */
function urlHost(raw: string): string | undefined {
  const url = URL.parse(`http://${raw}/`);
  if (!url || url.username || url.password || url.port || url.pathname !== '/' || url.search || url.hash) return undefined;
  let host = url.hostname;
  if (host.startsWith('[')) return host;
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (IPV4.test(host)) return host;
  if (host.length > 253 || !host.split('.').every((label) => HOST_LABEL.test(label))) return undefined;
  return host;
}

/**
 * One egress entry in its canonical form, or undefined when it is not one: a host name, an IP
 * literal (IPv6 in brackets), or `*.parent` for every name below `parent` (any depth, not `parent`
 * itself, never an IP), each optionally with `:port`. Without a port an entry allows 443 and 80
 * only: `github.com` is not `github.com:22`.
 */
export function egressEntry(raw: string): string | undefined {
  const text = raw.trim();
  // The host parser would read `x.com/path` as `x.com`: an entry is a host, nothing more.
  if (text === '' || /[/\\?#@%\s]/.test(text)) return undefined;
  const wildcard = text.startsWith('*.');
  const rest = wildcard ? text.slice(2) : text;
  const m = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(rest);
  if (!m?.[1]) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  const host = urlHost(m[1]);
  if (!host || (wildcard && (host.startsWith('[') || IPV4.test(host)))) return undefined; // `*.10.0.0.1` names nothing
  return `${wildcard ? '*.' : ''}${host}${port === undefined ? '' : `:${port}`}`;
}

export const EgressHost = z
  .string()
  .min(1)
  .max(300)
  .transform((raw, ctx) => {
    const entry = egressEntry(raw);
    if (entry === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a host such as "registry.npmjs.org", "*.githubusercontent.com" or "10.0.0.5:8443"' });
      return z.NEVER;
    }
    return entry;
  });

/** Egress of one agent. The default keeps today's behaviour: open. */
export const EgressPolicy = z.object({
  mode: EgressMode.default('open'),
  /** Allowed in `allowlist` mode, besides the hosts of the mappings in the agent's scope. */
  hosts: z.array(EgressHost).max(10_000).default([]),
});
export type EgressPolicy = z.infer<typeof EgressPolicy>;

export const RatePeriod = z.enum(['minute', 'hour', 'day']);
export type RatePeriod = z.infer<typeof RatePeriod>;

/** Window lengths. Windows are aligned to the epoch (a `day` starts at 00:00 UTC). */
export const RATE_PERIOD_MS: Record<RatePeriod, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** At most `max` requests per `per`: for all of the agent's traffic, or only its requests that use `mapping`. */
export const RateLimit = z.object({
  /** A mapping id; absent: every request of the agent, whatever it uses. */
  mapping: z.string().min(1).max(200).optional(),
  max: z.number().int().min(1).max(1_000_000_000),
  per: RatePeriod,
});
export type RateLimit = z.infer<typeof RateLimit>;

/** A request a mapping's credential is never used for: a method, a path prefix, or both (403 `blocked_by_policy`). */
export const BlockRule = z
  .object({
    /** Absent: every method. */
    methods: z.array(HttpMethod).min(1).max(20).optional(),
    /** Absent: every path. Matched on the resolved, decoded path, as the upstream will read it. */
    path: PathPrefix.optional(),
  })
  .refine((b) => b.methods !== undefined || b.path !== undefined, 'a block rule needs methods, a path, or both');
export type BlockRule = z.infer<typeof BlockRule>;

/** `POST /v1/files`, `DELETE`, `* /admin`: how a rule is named in errors and activity. */
export function describeBlock(rule: BlockRule): string {
  return `${rule.methods ? rule.methods.join(',') : '*'} ${rule.path ?? '/'}`;
}

/** `100/minute`, or `10/hour on api.openai.com`. */
export function describeLimit(limit: RateLimit): string {
  return `${limit.max}/${limit.per}${limit.mapping ? ` on ${limit.mapping}` : ''}`;
}

/**
 * A counter the gateway keeps for one limit, reported to the launcher so it survives a gateway
 * restart. `count` is absolute within the window starting at `windowStart` (epoch ms).
 */
export const RateCounter = z.object({
  agent: z.string().min(1).max(100),
  mapping: z.string().min(1).max(200).nullable(),
  per: RatePeriod,
  windowStart: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
});
export type RateCounter = z.infer<typeof RateCounter>;
