import type { GatewayMapping } from '../../shared/gateway-config.js';
import { referencesNeeded, shapeFromInput, type ShapeInput } from '../../shared/credential-rule.js';
import { extraReferences, withoutReferences, type HeaderRule } from '../../shared/header-rule.js';
import { formatAuthority, parseAuthority } from '../../shared/host-authority.js';
import { providerForHost } from '../../shared/providers.js';
import { parseSecretReference } from '../../shared/secret-reference.js';
import { HttpMethod, PathPrefix } from '../../shared/mapping-path.js';
import { mappingNameOf, type Mapping } from '../../shared/settings.js';

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

/**
 * A mapping's name as a user types it: `api.github.com`, `api.github.com/repos/acme`,
 * `localhost:8443/v1` (a scheme is tolerated). Returns the name it is stored under.
 */
export function parseMappingName(raw: string): { name: string; key: string; path: string | undefined } {
  const trimmed = raw.trim().replace(/^https?:\/\//, '');
  const slash = trimmed.indexOf('/');
  const { key } = mappingKey(slash === -1 ? trimmed : trimmed.slice(0, slash));
  const path = slash === -1 ? undefined : pathPrefix(trimmed.slice(slash));
  return { name: mappingNameOf({ host: key, path }), key, path };
}

/** A path prefix from input: normalised (`repos/acme/` → `/repos/acme`); `/` or empty means every path. */
export function pathPrefix(raw: string): string | undefined {
  if (raw.trim() === '') return undefined;
  const parsed = PathPrefix.safeParse(raw.trim());
  if (!parsed.success) throw new MappingInputError(`the path ${parsed.error.issues[0]?.message ?? 'is not a path prefix'}`);
  return parsed.data === '/' ? undefined : parsed.data;
}

/** Methods from input (`get,POST`): upper-case, each once; none given means every method. */
export function methodList(raw: readonly string[] | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const methods: string[] = [];
  for (const m of raw
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean)) {
    const parsed = HttpMethod.safeParse(m);
    if (!parsed.success) throw new MappingInputError(`"${m.slice(0, 30)}" is not an HTTP method; use names such as GET,POST`);
    if (!methods.includes(parsed.data)) methods.push(parsed.data);
  }
  if (methods.length > 20) throw new MappingInputError('at most 20 methods per mapping');
  return methods.length ? methods : undefined;
}

export interface MappingInput extends ShapeInput {
  readonly host: string;
  readonly reference: string;
  /** The references of a several-header shape after the first, in order. */
  readonly references?: readonly string[] | undefined;
  /** Only requests under this prefix get the credential. */
  readonly path?: string | undefined;
  /** Only these methods get it. */
  readonly methods?: readonly string[] | undefined;
}

function checkedReference(raw: string, which: string): string {
  const reference = raw.trim();
  const parsed = parseSecretReference(reference);
  if ('error' in parsed) throw new MappingInputError(`${which} ${parsed.error}`);
  return reference;
}

/** Gives each header after the first its reference: one reference per header, no more, no fewer. */
function withReferences(rule: HeaderRule, extra: readonly string[]): HeaderRule {
  const needed = referencesNeeded(rule);
  if (extra.length + 1 !== needed)
    throw new MappingInputError(
      needed === 1
        ? `this credential shape takes one reference, and ${extra.length + 1} were given`
        : `this credential shape writes ${needed} headers, one reference each: give ${needed} references (${extra.length + 1} were given)`,
    );
  if (rule.type !== 'headers') return rule;
  return {
    ...rule,
    headers: rule.headers.map((part, i) => (i === 0 ? { header: part.header, template: part.template } : { ...part, reference: extra[i - 1] })),
  };
}

/** The references a rule given whole carries for its headers after the first: each header needs its own. */
function ruleReferences(rule: HeaderRule | undefined): string[] {
  if (!rule) return [];
  return extraReferences(rule).map((r, i) => {
    if (r === undefined && rule.type === 'headers')
      throw new MappingInputError(
        `header ${i + 2} (${rule.headers[i + 1]?.header ?? '?'}) needs its own reference, such as op://vault/item/field or local://name`,
      );
    return r ?? '';
  });
}

/**
 * Validates a new mapping before anything is saved: host, path, methods, references, credential
 * shape, route. No shape given: a host in the provider catalog gets its preset, any other OneCLI's default.
 */
export function buildMapping(input: MappingInput, now: Date): Mapping {
  const { key, host } = mappingKey(input.host);
  // `api.github.com/repos` is the mapping's name, so it may be given so; a pasted URL
  // (`https://api.openai.com/v1`, a base URL) names its host only, as before paths existed.
  const named = /^https?:\/\//i.test(input.host.trim()) ? undefined : parseMappingName(input.host).path;
  const given = input.path === undefined ? undefined : pathPrefix(input.path);
  if (named !== undefined && given !== undefined && named !== given)
    throw new MappingInputError(`the host names the path ${named} and --path says ${given}: give the path once`);
  const path = given ?? named;
  const methods = methodList(input.methods);
  const reference = checkedReference(input.reference, 'the reference');
  const shape = shapeFromInput(host, input, path);
  if (!shape.ok) throw new MappingInputError(shape.message);
  if (input.rule && input.references) throw new MappingInputError("give a rule's references once: in its headers (after the first), not also as references");
  const extra = (input.references ?? ruleReferences(input.rule)).map((r, i) => checkedReference(r, `reference ${i + 2}`));
  const rule = withReferences(shape.rule, extra);
  const provider = providerForHost(host);
  return {
    host: key,
    ...(path ? { path } : {}),
    ...(methods ? { methods } : {}),
    reference,
    rule,
    ...(provider && key === host ? { route: provider.route } : {}),
    createdAt: now.toISOString(),
  };
}

/** What the gateway is told: the mapping without its references (it resolves by id, the mapping's name). */
export function toGatewayMapping(mapping: Mapping): GatewayMapping {
  const { host, port } = mappingKey(mapping.host);
  return {
    id: mappingNameOf(mapping),
    host,
    port,
    rule: withoutReferences(mapping.rule),
    ...(mapping.route ? { route: mapping.route } : {}),
    ...(mapping.path ? { path: mapping.path } : {}),
    ...(mapping.methods ? { methods: mapping.methods } : {}),
    ...(mapping.blocks ? { blocks: mapping.blocks } : {}),
  };
}

/**
 * Shows that a value was found without showing it: `sk-a…x9 (51 chars)`. Short values show
 * nothing but their length: six characters of a 24+ character key leave it unguessable.
 */
export function maskValue(value: string): string {
  if (value.length < 24) return `${'•'.repeat(Math.min(value.length, 12))} (${value.length} chars)`;
  return `${value.slice(0, 4)}…${value.slice(-2)} (${value.length} chars)`;
}
