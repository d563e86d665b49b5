import { z } from 'zod';

/** An HTTP header name (RFC 9110 token), stored lower-case. */
export const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name such as x-api-key')
  .transform((s) => s.toLowerCase());

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
    template: z.string().max(200).includes('{value}', { message: 'must contain {value}' }),
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
