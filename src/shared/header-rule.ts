import { z } from 'zod';
import { headerTextProblem } from './credential-value.js';

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

/**
 * How a mapping's credential is written into a request. Plain data: settings store it,
 * the UI shows it, the gateway applies it (src/gateway/header-rules.ts).
 */
export const HeaderRule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('x-api-key') }),
  z.object({ type: z.literal('bearer') }),
  z.object({
    type: z.literal('custom'),
    header: HeaderName,
    template: ValueTemplate,
  }),
]);
export type HeaderRule = z.infer<typeof HeaderRule>;

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

/** The header a rule writes, without its value: for display, and for stripping client copies. */
export function ruleHeaderName(rule: HeaderRule): string {
  switch (rule.type) {
    case 'x-api-key':
      return 'x-api-key';
    case 'bearer':
      return 'authorization';
    case 'custom':
      return rule.header;
  }
}
