/**
 * What each figure of `npm run bench` is held to: issue 18's targets table, plus the budgets of
 * issue 12 (10,000 path-rule mappings) and issue 14 (policy). Ratios and added milliseconds are
 * to a direct connection in the same run, so the machine's speed cancels out. The targets stand
 * with the response scan (issue 11) and path rules (issue 12) switched on, as the bench runs.
 *
 * Issue 18's reasoning for the numbers: at c=1 a proxy turns two loopback hops into four and
 * adds a TLS termination, so about 0.5 of direct is the ceiling; at c=32 client, proxy and
 * upstream share two cores, and lean proxies measured 0.53–0.66.
 */

export type TargetRule =
  /** gateway / direct ≥ value */
  | { kind: 'ratio-at-least'; value: number }
  /** gateway − direct ≤ value, in ms */
  | { kind: 'added-ms-at-most'; value: number }
  /** the gateway's own figure ≤ value, in `unit` */
  | { kind: 'at-most'; value: number; unit: string }
  /** paired change against a baseline gateway (e.g. 1 mapping) ≥ value, as a fraction */
  | { kind: 'change-at-least'; value: number }
  /** |paired change| ≤ value, as a fraction */
  | { kind: 'change-within'; value: number };

export const TARGETS = {
  c1ReqPerSec: { kind: 'ratio-at-least', value: 0.45 },
  c32ReqPerSec: { kind: 'ratio-at-least', value: 0.55 },
  postEchoMiBps: { kind: 'ratio-at-least', value: 0.7 },
  sseFirstEventMs: { kind: 'added-ms-at-most', value: 0.5 },
  newHostFirstRequestMs: { kind: 'added-ms-at-most', value: 10 },
  gatewayPeakRssMiB: { kind: 'at-most', value: 70, unit: 'MiB' },
  /** Issue 18: `onecli-launcher serve` and its gateway together, resident, at rest and after the load. */
  productRss: { kind: 'at-most', value: 150, unit: 'MiB' },
  /** Issue 12: c=32 with 10,000 path-rule mappings against 1 mapping. */
  pathRuleMappingsC32: { kind: 'change-at-least', value: -0.05 },
  /** Issue 14: c=32 with 1,000 egress entries × 100 limited agents against no policy. */
  policyC32: { kind: 'change-within', value: 0.05 },
} as const satisfies Record<string, TargetRule>;

export type TargetId = keyof typeof TARGETS;

/** Whether `value` (the figure the rule compares: a ratio, ms added, MiB, a change) meets it; undefined if unmeasured. */
export function meets(rule: TargetRule, value: number | undefined): boolean | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  switch (rule.kind) {
    case 'ratio-at-least':
    case 'change-at-least':
      return value >= rule.value;
    case 'added-ms-at-most':
    case 'at-most':
      return value <= rule.value;
    case 'change-within':
      return Math.abs(value) <= rule.value;
  }
}

const percent = (fraction: number) => `${fraction < 0 ? '−' : ''}${Math.abs(100 * fraction).toFixed(0)} %`;

/** The rule as the table prints it, e.g. "ratio ≥ 0.55", "added ≤ 0.5 ms". */
export function describeTarget(rule: TargetRule): string {
  switch (rule.kind) {
    case 'ratio-at-least':
      return `ratio ≥ ${rule.value.toFixed(2)}`;
    case 'added-ms-at-most':
      return `added ≤ ${rule.value} ms`;
    case 'at-most':
      return `≤ ${rule.value} ${rule.unit}`;
    case 'change-at-least':
      return `change ≥ ${percent(rule.value)}`;
    case 'change-within':
      return `change within ±${percent(rule.value)}`;
  }
}
