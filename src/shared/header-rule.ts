import { z } from 'zod';
import { headerTextProblem } from './credential-value.js';

/** An HTTP header name (RFC 9110 token), stored lower-case. */
export const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name such as x-api-key')
  .transform((s) => s.toLowerCase());

/** A value template such as `Bearer {value}`: must hold `{value}` and be sendable in a header. */
export const ValueTemplate = z
  .string()
  .max(200)
  .includes('{value}', { message: 'must contain {value}, such as "Bearer {value}"' })
  .superRefine((template, ctx) => {
    const problem = headerTextProblem(template.replaceAll('{value}', 'v'), 'the template');
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: a template is written into an HTTP header as it is` });
  });

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
