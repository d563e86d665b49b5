import { describeBlock, describeLimit, RatePeriod } from '../shared/agent-policy.js';
import type { AgentView, MappingView } from '../shared/control-api.js';
import { EGRESS_PRESETS } from '../shared/egress-presets.js';
import { ControlError } from '../core/control-error.js';
import type { CommandContext } from './commands.js';
import { EXIT } from './exit-codes.js';
import { listFlag } from './list-flag.js';

/** The policy commands (issue 14): `agents egress`, `agents limit`, `mappings block|unblock`. */

const usage = (text: string): never => {
  throw new ControlError('invalid_params', text);
};

const EGRESS_USAGE = 'usage: onecli-launcher agents egress NAME [open|allowlist] | egress NAME allow HOST… [--preset ID[,ID]] | egress NAME remove HOST…';
const LIMIT_USAGE = 'usage: onecli-launcher agents limit NAME [MAPPING] N/minute|N/hour|N/day|off';
const BLOCK_USAGE = 'usage: onecli-launcher mappings block NAME [--method M,M] [--path PREFIX] | mappings unblock NAME [--method M,M] [--path PREFIX] | --all';

function print(ctx: CommandContext, value: unknown, human: () => string): number {
  ctx.out(ctx.json ? JSON.stringify(value, null, 2) : human());
  return EXIT.ok;
}

/** `egress allowlist: its mappings and registry.npmjs.org`. */
export function egressSummary(a: AgentView): string {
  if (a.egress.mode === 'open')
    return `egress open (any host; ${a.egress.hosts.length ? `${a.egress.hosts.length} listed host(s) apply once it is an allowlist` : 'no list'})`;
  return `egress allowlist: its mappings and ${a.egress.hosts.length ? a.egress.hosts.join(', ') : 'no other host'}`;
}

/** `at most 100/minute, 10/hour on api.openai.com`. */
export function limitsSummary(a: AgentView): string {
  return a.limits.length ? `at most ${a.limits.map(describeLimit).join(', ')}` : 'no rate limits';
}

const formatEgress = (a: AgentView) => `${a.name}: ${egressSummary(a)}`;
const formatLimits = (a: AgentView) => `${a.name}: ${limitsSummary(a)}`;

export async function agentEgress(ctx: CommandContext, name: string, rest: readonly string[]): Promise<number> {
  const [verb, ...hosts] = rest;
  const presets = listFlag(ctx.flags.preset, 'preset');
  let agent: AgentView;
  if (verb === undefined && !presets) {
    agent =
      (await ctx.api.call('agents.list', {})).find((a) => a.name === name) ?? usage(`No agent named "${name.slice(0, 40)}": see onecli-launcher agents list.`);
    return print(ctx, agent, () => formatEgress(agent));
  }
  if (verb === 'open' || verb === 'allowlist') {
    if (hosts.length) usage(EGRESS_USAGE);
    agent = await ctx.api.call('agents.egress', { name, mode: verb });
  } else if (verb === 'allow') {
    if (!hosts.length && !presets) usage(`${EGRESS_USAGE}\npresets: ${EGRESS_PRESETS.map((p) => `${p.id} (${p.label})`).join(', ')}`);
    agent = await ctx.api.call('agents.egress', { name, add: hosts.flatMap((h) => h.split(',')).filter(Boolean), ...(presets ? { presets } : {}) });
  } else if (verb === 'remove') {
    if (!hosts.length) usage(EGRESS_USAGE);
    agent = await ctx.api.call('agents.egress', { name, remove: hosts.flatMap((h) => h.split(',')).filter(Boolean) });
  } else return usage(EGRESS_USAGE);
  return print(ctx, agent, () => formatEgress(agent));
}

/** `100/minute` → max and period; `off` → off. */
function limitSpec(raw: string): { max: number; per: RatePeriod } | { off: true } {
  if (raw === 'off') return { off: true };
  const m = /^(\d{1,10})\/(minute|hour|day|min|h|d)$/.exec(raw.trim());
  const per = m ? RatePeriod.safeParse({ min: 'minute', h: 'hour', d: 'day' }[m[2]!] ?? m[2]) : undefined;
  if (!m || !per?.success || Number(m[1]) < 1 || Number(m[1]) > 1_000_000_000)
    return usage(
      `"${raw.slice(0, 40)}" is not a limit: give N/minute, N/hour or N/day with N from 1 to 1,000,000,000 (such as 100/minute), or off.\n${LIMIT_USAGE}`,
    );
  return { max: Number(m[1]), per: per.data };
}

export async function agentLimit(ctx: CommandContext, name: string, rest: readonly string[]): Promise<number> {
  if (rest.length < 1 || rest.length > 2) usage(LIMIT_USAGE);
  const spec = limitSpec(rest[rest.length - 1]!);
  const mapping = rest.length === 2 ? rest[0] : undefined;
  const agent = await ctx.api.call('agents.limit', { name, ...(mapping ? { mapping } : {}), ...spec });
  return print(ctx, agent, () => formatLimits(agent));
}

export function formatBlocks(m: MappingView): string {
  return m.blocks?.length ? `${m.name}: never used for ${m.blocks.map(describeBlock).join('; ')}` : `${m.name}: no block rules`;
}

export async function mappingBlock(ctx: CommandContext, verb: 'block' | 'unblock', name: string | undefined): Promise<number> {
  if (!name || ctx.args.length > 2) usage(BLOCK_USAGE);
  const methods = listFlag(ctx.flags.method, 'method');
  const path = typeof ctx.flags.path === 'string' ? ctx.flags.path : undefined;
  const rule = { ...(methods ? { methods } : {}), ...(path !== undefined ? { path } : {}) };
  if (verb === 'unblock' && ctx.flags.all) {
    if (methods || path !== undefined) usage('--all takes off every block rule: give it alone');
    const m = await ctx.api.call('mappings.block', { host: name as string, clear: true });
    return print(ctx, m, () => formatBlocks(m));
  }
  if (!methods && path === undefined)
    usage(`a block rule needs --method, --path, or both (such as --method DELETE, or --method POST --path /v1/files)\n${BLOCK_USAGE}`);
  const m = await ctx.api.call('mappings.block', { host: name as string, ...(verb === 'block' ? { add: [rule] } : { remove: [rule] }) });
  return print(ctx, m, () => formatBlocks(m));
}
