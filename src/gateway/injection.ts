import type { GatewayMapping } from '../shared/gateway-config.js';
import { basicValueProblem } from '../shared/credential-shapes.js';
import { credentialValueProblem, headerTextProblem } from '../shared/credential-value.js';
import type { ResolveResult } from '../shared/vault-errors.js';
import { referencesNeeded } from '../shared/credential-rule.js';
import { writeCredential } from './header-rules.js';
import { encodeQueryValue } from './query-credential.js';
import { ValueMask } from './value-mask.js';

/** What a request to a mapped host gets, and what its response is scanned for. */
export interface Injection {
  /** Headers to add (every client copy of each, and every client credential, is dropped). */
  readonly headers: readonly (readonly [string, string])[];
  /** A query parameter to set in place of every copy the client sent; `value` is percent-encoded. */
  readonly query?: { readonly param: string; readonly value: string } | undefined;
  /** Absent only in the bench's no-scan baseline (see `responseScan` in gateway.ts). */
  readonly mask?: ValueMask;
}

export type InjectionResult = { readonly ok: true; readonly injection: Injection } | { readonly ok: false; readonly message: string };

const cannotSend = (mapping: GatewayMapping, problem: string, fix = '') => ({
  ok: false as const,
  message: `The credential for ${mapping.id} cannot be sent: ${problem}.${fix}`,
});
const FIX_VALUE = ' Fix the stored value (one line, the key alone) and retry.';

/**
 * Builds what the rule writes for resolved values, refusing values Node would throw on (and
 * upstreams would never match), and values that would change the credential's meaning (a ":"
 * in a Basic user name): a value from 1Password is as hostile as any other input.
 */
export function buildInjection(mapping: GatewayMapping, values: readonly string[]): InjectionResult {
  const rule = mapping.rule;
  if (values.length !== referencesNeeded(rule)) return cannotSend(mapping, `the rule takes ${referencesNeeded(rule)} values and ${values.length} came back`);
  for (const [i, value] of values.entries()) {
    const problem = credentialValueProblem(value);
    if (problem) return cannotSend(mapping, values.length > 1 ? `${problem} (reference ${i + 1})` : problem, FIX_VALUE);
  }
  if (rule.type === 'basic') {
    const problem = basicValueProblem(rule.template, values[0] ?? '');
    if (problem) return cannotSend(mapping, problem, ' Put the key in the password part of the template, or store a key without ":".');
  }
  const written = writeCredential(rule, values);
  for (const [, headerValue] of written.headers) {
    const problem = headerTextProblem(headerValue, 'the header value');
    if (problem) return cannotSend(mapping, problem);
  }
  const query = written.query ? { param: written.query.param, value: encodeQueryValue(written.query.value) } : undefined;
  const mask = new ValueMask(
    [...values, ...written.derived],
    written.headers.map(([, v]) => v),
  );
  return { ok: true, injection: { headers: written.headers, query, mask } };
}

/**
 * One injection per resolved result and rule: the cache hands out the same result object until
 * it expires, so the checks and the needles are built once per resolve, not per request.
 */
const built = new WeakMap<ResolveResult, { rule: GatewayMapping['rule']; result: InjectionResult }>();

export function injectionFor(mapping: GatewayMapping, result: Extract<ResolveResult, { ok: true }>): InjectionResult {
  const hit = built.get(result);
  if (hit && hit.rule === mapping.rule) return hit.result;
  const fresh = buildInjection(mapping, [result.value, ...(result.more ?? [])]);
  built.set(result, { rule: mapping.rule, result: fresh });
  return fresh;
}
