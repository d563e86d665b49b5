import {
  BlockRule,
  describeBlock,
  describeLimit,
  egressEntry,
  type EgressMode,
  type EgressPolicy,
  type RateLimit,
  type RatePeriod,
} from '../../shared/agent-policy.js';
import { egressPreset, EGRESS_PRESETS } from '../../shared/egress-presets.js';
import { ControlError } from '../control-error.js';

/**
 * Edits of an agent's egress, its rate limits, and a mapping's block rules (issue 14), as pure
 * functions from the current value and a change to the next value. Each refuses what it cannot
 * do with a sentence that names the value and the fix; nothing is half applied.
 */

const MAX_EGRESS_HOSTS = 10_000;
const MAX_LIMITS = 100;
const MAX_BLOCKS = 100;

export interface EgressChange {
  readonly mode?: EgressMode | undefined;
  readonly add?: readonly string[] | undefined;
  readonly remove?: readonly string[] | undefined;
  /** Preset ids (src/shared/egress-presets.ts) whose hosts are added. */
  readonly presets?: readonly string[] | undefined;
}

function entryOf(raw: string): string {
  const entry = egressEntry(raw);
  if (entry === undefined)
    throw new ControlError(
      'invalid_params',
      `"${printable(raw)}" is not an egress entry: give a host such as registry.npmjs.org, *.githubusercontent.com (every name below it) or 10.0.0.5:8443 (that port only); no scheme, path or user.`,
    );
  return entry;
}

/** Agent-typed text shown back in an error: short, one line, no control characters. */
function printable(raw: string): string {
  return raw.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

export function editEgress(current: EgressPolicy, change: EgressChange, agent: string): EgressPolicy {
  const presetHosts = (change.presets ?? []).flatMap((id) => {
    const preset = egressPreset(id);
    if (!preset)
      throw new ControlError('invalid_params', `No egress preset "${printable(id)}": the presets are ${EGRESS_PRESETS.map((p) => p.id).join(', ')}.`);
    return preset.hosts;
  });
  const added = [...(change.add ?? []), ...presetHosts].map(entryOf);
  const removed = new Set((change.remove ?? []).map(entryOf));
  for (const host of removed)
    if (!current.hosts.includes(host) && !added.includes(host))
      throw new ControlError(
        'not_found',
        `${host} is not on ${agent}'s egress list${current.hosts.length ? ` (it holds ${current.hosts.slice(0, 5).join(', ')}${current.hosts.length > 5 ? ', …' : ''})` : ', which is empty'}.`,
      );
  const hosts = [...new Set([...current.hosts, ...added])].filter((h) => !removed.has(h));
  if (hosts.length > MAX_EGRESS_HOSTS)
    throw new ControlError('invalid_params', `An egress list holds at most ${MAX_EGRESS_HOSTS} hosts; use *.parent entries for a whole domain.`);
  return { mode: change.mode ?? current.mode, hosts };
}

export type LimitChange = { readonly mapping?: string | undefined } & (
  | { readonly max: number; readonly per: RatePeriod; readonly off?: undefined }
  | { readonly off: true; readonly per?: RatePeriod | undefined; readonly max?: undefined }
);

/** Sets one limit (replacing the one of the same mapping and period), or takes limits off. */
export function editLimits(current: readonly RateLimit[], change: LimitChange, agent: string): RateLimit[] {
  const sameTarget = (l: RateLimit) => (l.mapping ?? null) === (change.mapping ?? null);
  if (change.off) {
    const kept = current.filter((l) => !(sameTarget(l) && (change.per === undefined || l.per === change.per)));
    if (kept.length === current.length)
      throw new ControlError(
        'not_found',
        `${agent} has no limit${change.per ? ` per ${change.per}` : ''} ${change.mapping ? `on ${change.mapping}` : 'on all its traffic'}${current.length ? ` (its limits: ${current.map(describeLimit).join(', ')})` : ''}.`,
      );
    return kept;
  }
  if (!Number.isInteger(change.max) || change.max < 1 || change.max > 1_000_000_000)
    throw new ControlError('invalid_params', 'A limit is a whole number of requests from 1 to 1,000,000,000, such as 100/minute.');
  const limit: RateLimit = { ...(change.mapping ? { mapping: change.mapping } : {}), max: change.max, per: change.per };
  const next = [...current.filter((l) => !(sameTarget(l) && l.per === change.per)), limit];
  if (next.length > MAX_LIMITS) throw new ControlError('invalid_params', `An agent has at most ${MAX_LIMITS} limits.`);
  return next;
}

export interface BlockRuleInput {
  readonly methods?: readonly string[] | undefined;
  readonly path?: string | undefined;
}

/** A block rule as typed, checked and in its stored form (methods upper case, path canonical). */
export function blockRuleOf(input: BlockRuleInput): BlockRule {
  const methods = input.methods?.flatMap((m) => m.split(',')).filter((m) => m.trim() !== '');
  const parsed = BlockRule.safeParse({
    ...(methods?.length ? { methods: methods.map((m) => m.trim()) } : {}),
    ...(input.path !== undefined && input.path !== '' ? { path: input.path } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path[0] === 'methods' ? 'its methods' : issue?.path[0] === 'path' ? 'its path' : 'it';
    throw new ControlError(
      'invalid_params',
      `That block rule cannot be kept: ${where} ${issue?.message ?? 'is invalid'}. A block rule is methods (DELETE, or POST,PUT), a path prefix (/v1/files), or both.`,
    );
  }
  return { ...(parsed.data.methods ? { methods: [...new Set(parsed.data.methods)] } : {}), ...(parsed.data.path ? { path: parsed.data.path } : {}) };
}

/** Methods in any order name the same rule. */
const blockKey = (r: BlockRule) => `${r.methods ? [...r.methods].sort().join(',') : '*'} ${r.path ?? '/'}`;
const sameBlock = (a: BlockRule, b: BlockRule) => blockKey(a) === blockKey(b);

export interface BlockChange {
  readonly add?: readonly BlockRuleInput[] | undefined;
  readonly remove?: readonly BlockRuleInput[] | undefined;
  readonly clear?: boolean | undefined;
}

/** The next block rules of `mapping`, or undefined for none. */
export function editBlocks(current: readonly BlockRule[] | undefined, change: BlockChange, mapping: string): BlockRule[] | undefined {
  let rules = change.clear ? [] : [...(current ?? [])];
  for (const raw of change.remove ?? []) {
    const rule = blockRuleOf(raw);
    if (!rules.some((r) => sameBlock(r, rule)))
      throw new ControlError(
        'not_found',
        `${mapping} has no block rule ${describeBlock(rule)}${rules.length ? ` (its rules: ${rules.map(describeBlock).join('; ')})` : ''}.`,
      );
    rules = rules.filter((r) => !sameBlock(r, rule));
  }
  for (const raw of change.add ?? []) {
    const rule = blockRuleOf(raw);
    if (!rules.some((r) => sameBlock(r, rule))) rules.push(rule);
  }
  if (rules.length > MAX_BLOCKS) throw new ControlError('invalid_params', `A mapping has at most ${MAX_BLOCKS} block rules.`);
  return rules.length ? rules : undefined;
}
