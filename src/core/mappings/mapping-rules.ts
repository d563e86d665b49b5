import type { GatewayMapping } from '../../shared/gateway-config.js';
import { defaultHeaderRule, headerNameProblem, headerRuleFrom, valueTemplateProblem } from '../../shared/header-rule.js';
import { formatAuthority, parseAuthority } from '../../shared/host-authority.js';
import { providerForHost } from '../../shared/providers.js';
import { parseSecretReference } from '../../shared/secret-reference.js';
import type { Mapping } from '../../shared/settings.js';

/** A user input problem: the control API answers `invalid_params` with this sentence. */
export class MappingInputError extends Error {}

/** The key a host is stored under: `api.anthropic.com`, `localhost:8443`, `*.example.com`. */
export function mappingKey(rawHost: string): { key: string; host: string; port: number } {
  const authority = parseAuthority(
    rawHost
      .trim()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, ''),
    443,
    { allowWildcard: true },
  );
  if (!authority) throw new MappingInputError(`"${rawHost.slice(0, 100)}" is not a host name; use a name such as api.anthropic.com, optionally with :port`);
  return { key: authority.port === 443 ? authority.host : formatAuthority(authority), ...authority };
}

export interface MappingInput {
  readonly host: string;
  readonly reference: string;
  readonly header?: string | undefined;
  readonly template?: string | undefined;
}

/** Validates a new mapping before anything is saved: host, reference, header rule, route. */
export function buildMapping(input: MappingInput, now: Date): Mapping {
  const { key, host } = mappingKey(input.host);
  const reference = parseSecretReference(input.reference.trim());
  if ('error' in reference) throw new MappingInputError(`the reference ${reference.error}`);
  const problem =
    (input.template === undefined ? undefined : valueTemplateProblem(input.template)) ??
    (input.header === undefined ? undefined : headerNameProblem(input.header));
  if (problem) throw new MappingInputError(problem);
  const rule = input.header === undefined && input.template === undefined ? defaultHeaderRule(host) : headerRuleFrom(host, input.header, input.template);
  const provider = providerForHost(host);
  return { host: key, reference: input.reference.trim(), rule, ...(provider && key === host ? { route: provider.route } : {}), createdAt: now.toISOString() };
}

/** What the gateway is told: the mapping without its reference (it resolves by id). */
export function toGatewayMapping(mapping: Mapping): GatewayMapping {
  const { host, port } = mappingKey(mapping.host);
  return { id: mapping.host, host, port, rule: mapping.rule, ...(mapping.route ? { route: mapping.route } : {}) };
}

/**
 * Shows that a value was found without showing it: `sk-a…x9 (51 chars)`. Short values show
 * nothing but their length: six characters of a 24+ character key leave it unguessable.
 */
export function maskValue(value: string): string {
  if (value.length < 24) return `${'•'.repeat(Math.min(value.length, 12))} (${value.length} chars)`;
  return `${value.slice(0, 4)}…${value.slice(-2)} (${value.length} chars)`;
}
