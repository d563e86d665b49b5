import { z } from 'zod';
import { headerTextProblem } from './credential-value.js';

/**
 * The building blocks of the credential shapes that are not a plain header: HTTP Basic from a
 * template, and a query parameter. Plain data and pure functions: settings and the UI check
 * with them, the gateway writes with them (src/gateway/header-rules.ts).
 */

/** The longest Basic template a user may write. */
export const MAX_BASIC_TEMPLATE_LENGTH = 200;

/**
 * A Basic `user-id:password` template such as `x-access-token:{value}` (GitHub over git/HTTPS)
 * or `{value}:` (Stripe: the key as the user name). RFC 7617 §2: the user-id ends at the first
 * colon, so the template must hold one, and it is sent as printable ASCII.
 */
export const BasicTemplate = z
  .string()
  .includes('{value}', { message: 'must contain {value}, such as "x-access-token:{value}"' })
  .max(MAX_BASIC_TEMPLATE_LENGTH, { message: `must be at most ${MAX_BASIC_TEMPLATE_LENGTH} characters long` })
  .superRefine((template, ctx) => {
    if (!template.replaceAll('{value}', '').includes(':'))
      ctx.addIssue({ code: 'custom', message: 'must separate the user name and the password with ":", such as "x-access-token:{value}" or "{value}:"' });
    const problem = headerTextProblem(template, 'it', { pasteHint: false, edges: false });
    if (problem) ctx.addIssue({ code: 'custom', message: `must be printable ASCII as written, but ${problem}` });
  });

/** `user-id:password` with the value in its place(s). */
export function basicUserPass(template: string, value: string): string {
  return template.replaceAll('{value}', value);
}

/**
 * Why `value` cannot go into `template`, or undefined. A value in the user-id part must not hold
 * a colon: the server would end the user-id there (RFC 7617 §2), and the rest would become the
 * password. In the password part a colon is fine.
 */
export function basicValueProblem(template: string, value: string): string | undefined {
  const inUser = template.slice(0, template.indexOf(':')).includes('{value}');
  if (inUser && value.includes(':')) return 'the value contains ":" and stands in the user name of a Basic credential, where ":" ends the user name (RFC 7617)';
  return undefined;
}

/**
 * A query parameter name (`key`). RFC 3986 unreserved characters only, so it is written as is
 * and no encoding of it can be mistaken for another name.
 */
export const QueryParamName = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{1,64}$/, 'must be a query parameter name such as key (letters, digits, ".", "_", "~" and "-")');

function firstProblem(schema: z.ZodType, text: string, subject: string): string | undefined {
  const parsed = schema.safeParse(text);
  return parsed.success ? undefined : `${subject} ${parsed.error.issues[0]?.message ?? 'is not valid'}`;
}

/** Why `template` cannot be a Basic template, as a sentence, or undefined. */
export function basicTemplateProblem(template: string): string | undefined {
  return firstProblem(BasicTemplate, template, 'the Basic template');
}

/** Why `name` cannot be a query parameter name, as a sentence, or undefined. */
export function queryParamProblem(name: string): string | undefined {
  return firstProblem(QueryParamName, name, 'the query parameter');
}
