import type { HeaderRule } from '../shared/header-rule.js';

/** The header a rule writes, and its value. Typed so a new rule kind won't compile without a handler. */
export const applyRule: { [K in HeaderRule['type']]: (rule: Extract<HeaderRule, { type: K }>, value: string) => [string, string] } = {
  'x-api-key': (_, value) => ['x-api-key', value],
  bearer: (_, value) => ['authorization', `Bearer ${value}`],
  custom: (rule, value) => [rule.header, rule.template.replaceAll('{value}', value)],
};

export function injectedHeader(rule: HeaderRule, value: string): [string, string] {
  return (applyRule[rule.type] as (r: HeaderRule, v: string) => [string, string])(rule, value);
}

/**
 * Credentials a client may send to a mapped host (a phantom key, a stale token). The gateway
 * owns authentication for mapped hosts, so all of them are dropped before injecting.
 */
export const CLIENT_CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'proxy-authorization']);
