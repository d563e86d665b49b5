import { z } from 'zod';
import { BasicTemplate, QueryParamName } from './credential-shapes.js';
import { headerTextProblem } from './credential-value.js';
import { SecretReference } from './secret-reference.js';

/**
 * The two rules a custom header follows, in one place: settings, the gateway's config file, the
 * core's `mappings add` and the UI's mapping form all check with these schemas and say the same
 * sentence. Messages are predicates ("must …"): a config file puts the field before them, and
 * {@link headerNameProblem} / {@link valueTemplateProblem} make them a sentence for people.
 */

/** RFC 9110 `token`: what a header field name may be made of. */
const HEADER_NAME_CHARS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** The longest template a user may write (the value itself may be up to 8 KiB). */
export const MAX_TEMPLATE_LENGTH = 200;

/** An HTTP header name (RFC 9110 token), stored lower-case. */
export const HeaderName = z
  .string()
  .regex(HEADER_NAME_CHARS, 'must be an HTTP header name such as x-api-key (letters, digits and dashes; no spaces or colons)')
  .transform((s) => s.toLowerCase());

/** A value template such as `Bearer {value}`: must hold `{value}` and be sendable in a header. */
export const ValueTemplate = z
  .string()
  .includes('{value}', { message: 'must contain {value}, such as "Bearer {value}"' })
  .max(MAX_TEMPLATE_LENGTH, { message: `must be at most ${MAX_TEMPLATE_LENGTH} characters long` })
  .superRefine((template, ctx) => {
    // `{value}` is printable ASCII itself, so the template is checked as written (positions match).
    const problem = headerTextProblem(template, 'it', { pasteHint: false });
    if (problem) ctx.addIssue({ code: 'custom', message: `must be sendable in an HTTP header as written, but ${problem}` });
  });

function firstProblem(schema: z.ZodType, text: string, subject: string): string | undefined {
  const parsed = schema.safeParse(text);
  return parsed.success ? undefined : `${subject} ${parsed.error.issues[0]?.message ?? 'is not valid'}`;
}

/** Why `name` cannot be a mapping's header, as a sentence ("the header must be …"), or undefined. */
export function headerNameProblem(name: string): string | undefined {
  return firstProblem(HeaderName, name, 'the header');
}

/** Why `template` cannot be a mapping's value template, as a sentence ("the template must …"), or undefined. */
export function valueTemplateProblem(template: string): string | undefined {
  return firstProblem(ValueTemplate, template, 'the template');
}

/** The most headers one mapping writes (each from its own reference). */
export const MAX_HEADER_PARTS = 8;

/** One header of a several-header credential. The first takes the mapping's reference; each other one names its own. */
export const HeaderPart = z.object({ header: HeaderName, template: ValueTemplate, reference: SecretReference.optional() });
export type HeaderPart = z.infer<typeof HeaderPart>;

/**
 * How a mapping's credential is written into a request: its shape. Plain data: settings store it,
 * the UI shows it, the gateway applies it (src/gateway/header-rules.ts). Whatever the agent sent
 * in the credential's place (the same header, its own Basic user:password, its own `?key=`) is
 * replaced, never sent alongside.
 * - `x-api-key`, `bearer`, `custom`: one header;
 * - `basic`: `Authorization: Basic base64(template with the value)`, RFC 7617;
 * - `query`: the query parameter `param` set to the value (percent-encoded), every copy the agent sent removed;
 * - `headers`: several headers, the first from the mapping's reference, each other one from its own.
 *
 * Added kinds are additive: settings written before them still parse.
 */
export const HeaderRule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('x-api-key') }),
  z.object({ type: z.literal('bearer') }),
  z.object({
    type: z.literal('custom'),
    header: HeaderName,
    template: ValueTemplate,
  }),
  z.object({ type: z.literal('basic'), template: BasicTemplate }),
  z.object({ type: z.literal('query'), param: QueryParamName }),
  z.object({
    type: z.literal('headers'),
    headers: z
      .array(HeaderPart)
      .min(2, { message: 'must list at least two headers (one header is a custom rule)' })
      .max(MAX_HEADER_PARTS, { message: `must list at most ${MAX_HEADER_PARTS} headers` })
      .superRefine((parts, ctx) => {
        const names = parts.map((p) => p.header);
        if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: 'must name each header once' });
        // The others' references are required where a mapping is built (src/core/mappings); the
        // gateway and the catalog hold the shape without them.
        if (parts[0]?.reference !== undefined)
          ctx.addIssue({ code: 'custom', path: [0, 'reference'], message: "must be absent: the first header takes the mapping's reference" });
      }),
  }),
]);
export type HeaderRule = z.infer<typeof HeaderRule>;

/** The references a rule takes besides the mapping's own, in the order the values come back (ResolveResult `more`); undefined where one is missing. */
export function extraReferences(rule: HeaderRule): (string | undefined)[] {
  return rule.type === 'headers' ? rule.headers.slice(1).map((p) => p.reference) : [];
}

/** The rule without references: what the gateway is told (it resolves by mapping id). */
export function withoutReferences(rule: HeaderRule): HeaderRule {
  return rule.type === 'headers' ? { ...rule, headers: rule.headers.map(({ header, template }) => ({ header, template })) } : rule;
}

/** OneCLI's defaults: Anthropic reads `x-api-key`, everyone else `Authorization: Bearer`. */
export function defaultHeaderRule(host: string): HeaderRule {
  return host === 'api.anthropic.com' ? { type: 'x-api-key' } : { type: 'bearer' };
}

/** Builds the rule from the optional `header` / `template` pair users write in config files. */
export function headerRuleFrom(host: string, header?: string, template?: string): HeaderRule {
  if (header === undefined && template === undefined) return defaultHeaderRule(host);
  const fallback = defaultHeaderRule(host).type === 'x-api-key' ? 'x-api-key' : 'authorization';
  return {
    type: 'custom',
    header: (header ?? fallback).toLowerCase(),
    template: template ?? (header === undefined && fallback === 'authorization' ? 'Bearer {value}' : '{value}'),
  };
}

/** Where a rule writes the credential, without its value, for display: `x-api-key`, `authorization`, `?key`, `a, b`. */
export function ruleHeaderName(rule: HeaderRule): string {
  switch (rule.type) {
    case 'x-api-key':
      return 'x-api-key';
    case 'bearer':
    case 'basic':
      return 'authorization';
    case 'custom':
      return rule.header;
    case 'query':
      return `?${rule.param}`;
    case 'headers':
      return rule.headers.map((p) => p.header).join(', ');
  }
}

/** A rule in words, as `providers list`, `mappings add` and the UI show it: `Basic x-access-token:<value>`, `?key=<value>`. */
export function describeRule(rule: HeaderRule): string {
  switch (rule.type) {
    case 'x-api-key':
      return 'x-api-key: <value>';
    case 'bearer':
      return 'Authorization: Bearer <value>';
    case 'custom':
      return `${rule.header}: ${rule.template.replaceAll('{value}', '<value>')}`;
    case 'basic':
      return `Basic ${rule.template.replaceAll('{value}', '<value>')}`;
    case 'query':
      return `?${rule.param}=<value>`;
    case 'headers':
      return rule.headers.map((p, i) => `${p.header}: ${p.template.replaceAll('{value}', `<value ${i + 1}>`)}`).join(' + ');
  }
}
