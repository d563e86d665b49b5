import type { GatewayMapping } from '../shared/gateway-config.js';
import { credentialValueProblem, headerTextProblem } from '../shared/credential-value.js';
import type { ResolveResult } from '../shared/vault-errors.js';
import { injectedHeader } from './header-rules.js';
import { ValueMask } from './value-mask.js';

/** What a request to a mapped host gets, and what its response is scanned for. */
export interface Injection {
  readonly header: readonly [string, string];
  /** Absent only in the bench's no-scan baseline (see `responseScan` in gateway.ts). */
  readonly mask?: ValueMask;
}

export type InjectionResult = { readonly ok: true; readonly injection: Injection } | { readonly ok: false; readonly message: string };

/**
 * Builds the header for a resolved value, refusing values Node would throw on (and upstreams
 * would never match): a value from 1Password is as hostile as any other input.
 */
export function buildInjection(mapping: GatewayMapping, value: string): InjectionResult {
  const problem = credentialValueProblem(value);
  if (problem)
    return { ok: false, message: `The credential for ${mapping.id} cannot be sent: ${problem}. Fix the stored value (one line, the key alone) and retry.` };
  const header = injectedHeader(mapping.rule, value);
  const headerProblem = headerTextProblem(header[1], 'the header value');
  if (headerProblem) return { ok: false, message: `The credential for ${mapping.id} cannot be sent: ${headerProblem}.` };
  return { ok: true, injection: { header, mask: new ValueMask([value], [header[1]]) } };
}

/**
 * One injection per resolved result and rule: the cache hands out the same result object until
 * it expires, so the checks and the needles are built once per resolve, not per request.
 */
const built = new WeakMap<ResolveResult, { rule: GatewayMapping['rule']; result: InjectionResult }>();

export function injectionFor(mapping: GatewayMapping, result: Extract<ResolveResult, { ok: true }>): InjectionResult {
  const hit = built.get(result);
  if (hit && hit.rule === mapping.rule) return hit.result;
  const fresh = buildInjection(mapping, result.value);
  built.set(result, { rule: mapping.rule, result: fresh });
  return fresh;
}
