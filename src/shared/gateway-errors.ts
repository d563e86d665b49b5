import { z } from 'zod';
import { VaultErrorCode } from './vault-errors.js';

/** Response header naming the kind of a gateway-made error, so agents and logs can branch on it. */
export const GATEWAY_ERROR_HEADER = 'x-onecli-error';

/**
 * Every error the gateway itself answers with. Resolution failures reuse the vault
 * vocabulary; the rest are about the request or the upstream.
 */
export const GatewayErrorCode = z.enum([
  ...VaultErrorCode.options,
  'proxy_auth_required', // no or wrong agent token on the proxy door (407)
  'agent_auth_required', // no or wrong agent token on the base-URL door (401)
  'misdirected', // inner Host differs from the CONNECT authority (421)
  'insecure_http', // plain http:// to a mapped non-loopback host: never gets a credential (403)
  'unknown_route', // /r/<route> names no mapping (404)
  'bad_request', // malformed proxy request (400)
  'upstream_tls', // the upstream's certificate failed verification (502)
  'upstream_unreachable', // connect, reset or timeout talking to the upstream (502/504)
  'invalid_value', // the resolved value cannot be sent in a header (CR/LF, non-ASCII…) (502)
  'method_not_allowed', // TRACE/TRACK to a mapped host: it would echo the credential (405)
  'unscannable_response', // a mapped host's response in an encoding the gateway cannot scan for the value (502)
  'internal_error', // a bug in the gateway ended this one request; every other connection goes on (500)
  'not_permitted', // the mapping is outside the agent's scope (403)
  'denied', // the user denied the agent this mapping (403)
  'not_approved', // nobody approved the agent's first use of this mapping in time (403)
  'egress_denied', // the agent's egress is an allowlist and this host is not on it (403); nothing was opened to it
  'rate_limited_by_policy', // the agent (or the agent on this mapping) used up its requests for now (429 + Retry-After)
  'blocked_by_policy', // a block rule of the mapping refuses this method and path (403)
]);
export type GatewayErrorCode = z.infer<typeof GatewayErrorCode>;

/** The JSON body of every gateway-made error response. */
export const GatewayErrorBody = z.object({
  error: z.object({
    code: GatewayErrorCode,
    mapping: z.string().nullable(),
    message: z.string(),
    /** Policy refusals name who and where, so a fix ("allow paste.example for claude") can be offered. */
    agent: z.string().optional(),
    host: z.string().optional(),
    /** Seconds until a rate-limited request may be retried (also the `Retry-After` header). */
    retryAfter: z.number().int().optional(),
  }),
});
export type GatewayErrorBody = z.infer<typeof GatewayErrorBody>;
