import { basicUserPass } from '../shared/credential-shapes.js';
import type { HeaderRule } from '../shared/header-rule.js';

/** What a rule writes into a request, built from the resolved values. */
export interface WrittenCredential {
  /** Headers to add; any copy the client sent of each is dropped. */
  readonly headers: readonly (readonly [string, string])[];
  /** The query parameter to set, value not yet encoded; every copy the client sent is removed. */
  readonly query?: { readonly param: string; readonly value: string };
  /** Texts made of a value that an upstream could echo whole (Basic's `user:password`): masked like the value. */
  readonly derived: readonly string[];
}

/** RFC 7617 §2: `Basic` and the base64 of the UTF-8 user-pass. */
export function basicHeaderValue(userPass: string): string {
  return `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;
}

type Values = readonly string[];
const fill = (template: string, value: string) => template.replaceAll('{value}', value);
const one = (name: string, value: string): WrittenCredential => ({ headers: [[name, value]], derived: [] });

/**
 * What each rule kind writes. `values[0]` is the mapping's value; a several-header rule's header
 * `i` takes `values[i]`. Typed so a new rule kind won't compile without a handler.
 */
export const applyRule: { [K in HeaderRule['type']]: (rule: Extract<HeaderRule, { type: K }>, values: Values) => WrittenCredential } = {
  'x-api-key': (_, [v = '']) => one('x-api-key', v),
  bearer: (_, [v = '']) => one('authorization', `Bearer ${v}`),
  custom: (rule, [v = '']) => one(rule.header, fill(rule.template, v)),
  basic: (rule, [v = '']) => {
    const userPass = basicUserPass(rule.template, v);
    return { headers: [['authorization', basicHeaderValue(userPass)]], derived: [userPass] };
  },
  query: (rule, [v = '']) => ({ headers: [], query: { param: rule.param, value: v }, derived: [] }),
  headers: (rule, values) => ({ headers: rule.headers.map((p, i) => [p.header, fill(p.template, values[i] ?? '')] as const), derived: [] }),
};

export function writeCredential(rule: HeaderRule, values: Values): WrittenCredential {
  return (applyRule[rule.type] as (r: HeaderRule, v: Values) => WrittenCredential)(rule, values);
}

/**
 * Credentials a client may send to a mapped host (a phantom key, a stale token). The gateway
 * owns authentication for mapped hosts, so all of them are dropped before injecting.
 * `x-goog-api-key` is where @google/genai puts its key (the base-URL door's phantom key for Gemini).
 */
export const CLIENT_CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'proxy-authorization']);
