import type { GatewayErrorCode } from '../../../src/shared/gateway-errors.js';

/** What to do about each error the gateway reports in status and activity. Every code must have one. */
export const GATEWAY_ERROR_FIXES: Record<GatewayErrorCode, string> = {
  not_found: 'The 1Password item or field is gone or renamed: pick it again under Mappings.',
  bad_reference: 'The mapping’s reference is malformed: edit it under Mappings.',
  auth_required: 'Unlock the 1Password app (or reconnect 1Password), then retry the request.',
  rate_limited: '1Password is rate-limiting requests: wait a minute, then retry.',
  unavailable: '1Password could not be reached: check that the app or network is up, then retry.',
  proxy_auth_required: 'An agent used a missing or revoked token: copy its setup again from Agents.',
  agent_auth_required: 'An agent used a missing or revoked token: copy its setup again from Agents.',
  misdirected: 'A client sent a request for another host through a tunnel: use one connection per host.',
  insecure_http: 'Credentials are only added over HTTPS: use the https:// URL.',
  unknown_route: 'The base URL names no mapping: copy the agent setup again.',
  bad_request: 'A client sent a malformed proxy request: check its proxy settings.',
  upstream_tls: 'The API’s certificate was not trusted: check the host, or add its CA with --extra-ca.',
  upstream_unreachable: 'The API did not answer: check the host and your network.',
  invalid_value: 'The stored key holds a line break or a character a header cannot carry: copy the key again, on one line, into its 1Password item.',
  method_not_allowed: 'TRACE would echo the credential back, so it is never sent to a mapped host.',
  unscannable_response: 'The API answered in a compression the gateway cannot check for the key; the answer was withheld. See the launcher log.',
  internal_error: 'The gateway hit a bug on this one request; other requests go on. Retry, and report it with the launcher log.',
  not_permitted: 'The agent may not use this mapping: allow it under Agents.',
  denied: 'You denied this agent the mapping: allow it under Agents to change that.',
  not_approved: 'Nobody approved the request in time: allow it when the approval card shows, or set the agent to allow under Agents.',
  egress_denied: 'The agent’s egress is an allowlist without this host: add the host to the agent’s allowlist under Agents, or set its egress to open.',
  rate_limited_by_policy: 'The agent used up its request limit for now: wait for the time the error gives (Retry-After), or raise the limit under Agents.',
  blocked_by_policy: 'A block rule of this mapping refuses that method and path: edit the mapping’s block rules if the request is wanted.',
};

export function fixForGatewayError(code: string): string {
  return (GATEWAY_ERROR_FIXES as Record<string, string | undefined>)[code] ?? 'See the launcher log for details.';
}

/** What to do about a gateway that is down, keyed on its system error code (the reason above it is in the gateway's words). */
export function gatewayDownFix(errno: string | undefined, port: number): string {
  if (errno === 'EADDRINUSE')
    return `Port ${port} is taken by another program: stop it, or choose another port in Settings (headless: start with --port <free port>).`;
  if (errno === 'EACCES') return `Port ${port} may not be opened by this user: choose a port above 1024 in Settings.`;
  return 'Fix what the reason above says, then press Restart. The Doctor screen checks everything else.';
}
