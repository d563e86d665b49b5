import { spawn } from 'node:child_process';
import type { AgentView, ApprovalView, ControlTransport, DoctorCheck, StatusView } from '../shared/control-api.js';
import { describeBlock } from '../shared/agent-policy.js';
import { REMEDY_COMMANDS } from '../shared/remedy.js';
import { shellExports } from '../core/agents/agent-env.js';
import { ControlError } from '../core/control-error.js';
import type { RuntimeInfo } from '../core/runtime-file.js';
import { EXIT } from './exit-codes.js';
import { listFlag } from './list-flag.js';
import { doctorEnvironmentNote } from './ignored-flags.js';
import { mappingAddParams, type HeaderFlag } from './mapping-flags.js';
import { describeRule } from '../shared/header-rule.js';
import { agentEgress, agentLimit, egressSummary, limitsSummary, mappingBlock } from './policy-commands.js';
import { onecliCompat } from './onecli-commands.js';
import { readSecret } from './read-secret.js';

export interface CommandContext {
  readonly api: ControlTransport;
  readonly mode: 'running' | 'direct';
  /** The running launcher, when commands go to it. */
  readonly launcher?: RuntimeInfo | undefined;
  /** The caller's environment. */
  readonly env: NodeJS.ProcessEnv;
  readonly json: boolean;
  readonly args: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  /** `--header NAME [--template T]` pairs in the order given (mappings add). */
  readonly headerFlags?: readonly HeaderFlag[];
  readonly out: (text: string) => void;
}

const usage = (text: string): never => {
  throw new ControlError('invalid_params', text);
};

function print(ctx: CommandContext, value: unknown, human: () => string): number {
  ctx.out(ctx.json ? JSON.stringify(value, null, 2) : human());
  return EXIT.ok;
}

const mark = { ok: '✓', warn: '!', fail: '✗', skip: '-' } as const;

export function formatStatus(s: StatusView): string {
  const lines = [
    `gateway     ${s.gateway.state}${s.gateway.address ? ` on ${s.gateway.address}` : ` (port ${s.gateway.port})`}${s.gateway.reason ? `: ${s.gateway.reason}` : ''}`,
    `1Password   ${s.source.kind === 'none' ? 'not connected (onecli-launcher pair)' : s.source.kind}${s.source.detail ? ` (${s.source.detail})` : ''}`,
    `secrets     ${s.secretStore.kind}: ${s.secretStore.detail}`,
    `settings    ${s.settings.file} (${settingsHealth(s.settings.health)})`,
    `mappings    ${s.mappings}    agents ${s.agents}`,
  ];
  if (s.ca) lines.push(`local CA    ${s.ca.certFile} (until ${s.ca.notAfter.slice(0, 10)})`);
  if (s.controlUrl) lines.push(`control     ${s.controlUrl}`);
  for (const e of s.lastErrors.slice(-5)) lines.push(`error       ${new Date(e.at).toISOString()} ${e.host} ${e.mapping ?? ''} ${e.code}`);
  for (const l of s.gateway.output ?? []) lines.push(`  | ${l}`);
  return lines.join('\n');
}

function settingsHealth(health: StatusView['settings']['health']): string {
  return health.kind === 'set-aside' ? `a corrupt settings file was moved to ${health.movedTo} (${health.reason}); defaults are in use` : health.kind;
}

function formatDoctor(checks: readonly DoctorCheck[]): string {
  return checks
    .map(
      (c) =>
        `${mark[c.status]} ${c.id.padEnd(26)} ${c.detail}${c.fix ? `\n  → ${c.fix}` : ''}${c.remedy ? `\n  → ${REMEDY_COMMANDS[c.remedy]}` : ''}${c.link ? `\n  → ${c.link}` : ''}`,
    )
    .join('\n');
}

function formatScope(a: AgentView): string {
  const scope = a.allow === 'all' ? 'every mapping' : a.allow.length ? a.allow.join(', ') : 'no mapping';
  const policy = a.policy === 'ask' ? `asks first${a.approved.length ? ` (always: ${a.approved.join(', ')})` : ''}` : 'never asks';
  return `may use ${scope}; ${policy}`;
}

export function formatAgents(list: readonly AgentView[]): string {
  return (
    list
      .map(
        (a) =>
          `${a.name.padEnd(20)} ${formatScope(a)}\n${' '.repeat(21)}${egressSummary(a)}; ${limitsSummary(a)}\n${' '.repeat(21)}created ${a.createdAt.slice(0, 10)}${a.lastUsed ? `, last used ${new Date(a.lastUsed).toISOString()}` : ''}`,
      )
      .join('\n') || 'No agents.'
  );
}

export function formatApprovals(list: readonly ApprovalView[], now: number): string {
  if (!list.length) return 'No requests are waiting for approval.';
  return [
    ...list.map(
      (a) =>
        `${a.id}  ${a.agent} wants to use ${a.service ? `${a.service} · ` : ''}${a.mapping}  (gives up in ${Math.max(0, Math.round((a.expiresAt - now) / 1000))} s)`,
    ),
    'Answer with: onecli-launcher approvals allow ID [--always] | approvals deny ID',
  ].join('\n');
}

export const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  async status(ctx) {
    const status = await ctx.api.call('status.get', {});
    print(ctx, status, () => formatStatus(status));
    return status.gateway.state === 'running' || ctx.mode === 'direct' ? EXIT.ok : EXIT.gateway;
  },
  async doctor(ctx) {
    const checks = await ctx.api.call('doctor.run', {});
    // The checks that look things up on PATH ran over there: say so rather than pass them off as this shell's.
    const note = ctx.launcher ? doctorEnvironmentNote(ctx.launcher, ctx.env.PATH) : undefined;
    if (note) process.stderr.write(`onecli-launcher: ${note}\n`);
    print(ctx, checks, () => formatDoctor(checks));
    return checks.some((c) => c.status === 'fail') ? EXIT.failed : EXIT.ok;
  },
  async env(ctx) {
    const { agent, vars } = await ctx.api.call('env.get', ctx.flags.agent ? { agent: String(ctx.flags.agent) } : {});
    return print(ctx, vars, () => `# OneCLI agent "${agent}": eval "$(onecli-launcher env)"\n${shellExports(vars)}`);
  },
  async run(ctx) {
    const [command, ...rest] = ctx.args;
    if (!command) usage('usage: onecli-launcher run [--agent NAME] -- <command> [args...]');
    const { vars } = await ctx.api.call('env.get', ctx.flags.agent ? { agent: String(ctx.flags.agent) } : {});
    if (ctx.mode === 'direct')
      process.stderr.write('onecli-launcher: no launcher is running, so the gateway is not either; start it with onecli-launcher serve (or the app).\n');
    return new Promise((resolve) => {
      const child = spawn(command as string, rest, { stdio: 'inherit', env: { ...process.env, ...vars } });
      child.once('error', (err: NodeJS.ErrnoException) => {
        process.stderr.write(`onecli-launcher: cannot run ${command}: ${err.code === 'ENOENT' ? 'not found on PATH' : err.code}\n`);
        resolve(127);
      });
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : EXIT.failed)));
    });
  },
  async mappings(ctx) {
    const [sub, host] = ctx.args;
    switch (sub) {
      case undefined:
      case 'list': {
        const list = await ctx.api.call('mappings.list', {});
        return print(ctx, list, () =>
          list.length
            ? list
                .map(
                  (m) =>
                    `${m.name.padEnd(28)} ${m.reference}  → ${m.header}${m.methods ? `  [${m.methods.join(',')}]` : ''}${m.route ? `  (/r/${m.route})` : ''}${m.blocks ? `  never: ${m.blocks.map(describeBlock).join('; ')}` : ''}`,
                )
                .join('\n')
            : 'No mappings yet: onecli-launcher mappings add <host> <op://vault/item/field>',
        );
      }
      case 'add': {
        const m = await ctx.api.call('mappings.add', mappingAddParams(ctx.args.slice(1), ctx.flags, ctx.headerFlags ?? []));
        return print(
          ctx,
          m,
          () =>
            `Mapped ${m.name}${m.methods ? ` for ${m.methods.join(', ')}` : ''} → ${m.reference} (${describeRule(m.rule)}${m.route ? `, base URL /r/${m.route}` : ''}).`,
        );
      }
      case 'remove': {
        if (!host) usage('usage: onecli-launcher mappings remove <HOST | HOST/PREFIX>');
        const r = await ctx.api.call('mappings.remove', { host: host as string });
        print(ctx, r, () => (r.removed ? `Removed ${host}.` : `${host} was not mapped.`));
        return r.removed ? EXIT.ok : EXIT.secret;
      }
      case 'test': {
        if (!host) usage('usage: onecli-launcher mappings test <HOST | HOST/PREFIX>');
        const r = await ctx.api.call('mappings.test', { host: host as string });
        print(ctx, r, () => (r.ok ? `✓ ${host}: ${r.header}: ${r.masked}` : `✗ ${host}: ${r.code}: ${r.message}`));
        return r.ok ? EXIT.ok : EXIT.secret;
      }
      case 'import': {
        const list = await ctx.api.call('import.suggestions', {});
        return print(ctx, list, () =>
          list.length
            ? list.map((s) => `${s.host.padEnd(28)} ${s.reference}   (${s.vault} / ${s.item})`).join('\n') +
              '\nAdd one with: onecli-launcher mappings add <host> <reference>'
            : 'No suggestions: no 1Password login or API credential carries the URL of an unmapped host.',
        );
      }
      case 'block':
      case 'unblock':
        return mappingBlock(ctx, sub, host);
      default:
        return usage(`unknown subcommand "mappings ${sub}": use list, add, remove, test, block, unblock or import`);
    }
  },
  async pair(ctx) {
    if (ctx.flags.disconnect) {
      await ctx.api.call('pair.disconnect', {});
      return print(ctx, { ok: true }, () => 'Disconnected from 1Password; the service-account token was removed from the keychain.');
    }
    if (ctx.flags['service-account'] !== undefined) {
      const arg = ctx.flags['service-account'];
      if (typeof arg === 'string' && arg !== '-')
        usage('the token is read from stdin or a prompt, never from the command line: onecli-launcher pair --service-account -');
      const token = await readSecret('1Password service-account token');
      if (!token.trim()) usage('no token on stdin: echo "$OP_SERVICE_ACCOUNT_TOKEN" | onecli-launcher pair --service-account -');
      const r = await ctx.api.call('pair.serviceAccount', { token });
      return print(ctx, r, () => `Paired with a 1Password service account (${r.vaults} vault(s) visible). The token is in the keychain.`);
    }
    if (ctx.flags.desktop) {
      const r = await ctx.api.call('pair.desktop', typeof ctx.flags.account === 'string' ? { account: ctx.flags.account } : {});
      return print(ctx, r, () => `Connected to the 1Password app through op (${r.vaults} vault(s) visible).`);
    }
    return usage('usage: onecli-launcher pair --service-account - | --desktop [--account NAME] | --disconnect');
  },
  async secrets(ctx) {
    const [sub, name, extra] = ctx.args;
    if (sub === 'set') {
      if (!name) usage('usage: echo "$KEY" | onecli-launcher secrets set <name> -');
      if (extra !== undefined && extra !== '-')
        usage('the value is read from stdin or a prompt, never from the command line: echo "$KEY" | onecli-launcher secrets set <name> -');
      const value = await readSecret(`value for local://${name}`);
      if (!value) usage('the value is empty');
      const r = await ctx.api.call('secrets.set', { name: name as string, value });
      const where = { keychain: 'in the keychain', file: 'in the 0600 file store', memory: 'in memory for this run only (no keychain)', none: 'nowhere' }[
        r.kept
      ];
      return print(ctx, r, () => `Stored ${r.reference} ${where}. Map it: onecli-launcher mappings add <host> ${r.reference}`);
    }
    if (sub === 'remove' && name) {
      const r = await ctx.api.call('secrets.remove', { name });
      return print(ctx, r, () => (r.removed ? `Removed local://${name}.` : `No local://${name}.`));
    }
    return usage('usage: onecli-launcher secrets set <name> - | secrets remove <name>');
  },
  async agents(ctx) {
    const [sub, name, ...rest] = ctx.args;
    if (sub === undefined || sub === 'list') {
      const list = await ctx.api.call('agents.list', {});
      return print(ctx, list, () => formatAgents(list));
    }
    if (sub === 'create' && name) {
      const allow = listFlag(ctx.flags.allow, 'allow');
      const egress = ctx.flags.egress;
      if (egress !== undefined && egress !== 'open' && egress !== 'allowlist') usage('--egress takes open or allowlist');
      const r = await ctx.api.call('agents.create', {
        name,
        ...(allow ? { allow } : {}),
        ...(ctx.flags.ask ? { policy: 'ask' as const } : {}),
        ...(egress ? { egress: egress as 'open' | 'allowlist' } : {}),
      });
      return print(
        ctx,
        { name: r.name },
        () =>
          `Created agent "${r.name}"${allow ? `, which may use ${allow.join(', ')}` : ''}${ctx.flags.ask ? '; its first use of each mapping waits for your approval' : ''}${egress === 'allowlist' ? '; it reaches only its mappings until you allow hosts (agents egress NAME allow HOST…)' : ''}. Its environment: onecli-launcher env --agent ${r.name}`,
      );
    }
    if ((sub === 'allow' || sub === 'disallow') && name && rest.length) {
      const a = await ctx.api.call(sub === 'allow' ? 'agents.allow' : 'agents.disallow', { name, mappings: rest.flatMap((m) => m.split(',')).filter(Boolean) });
      return print(ctx, a, () => `${a.name} ${formatScope(a)}.`);
    }
    if (sub === 'policy' && name) {
      const [policy] = rest;
      if (policy !== 'ask' && policy !== 'allow') usage('usage: onecli-launcher agents policy <name> ask|allow');
      const a = await ctx.api.call('agents.update', { name, policy: policy as 'ask' | 'allow' });
      return print(ctx, a, () => `${a.name} ${formatScope(a)}.`);
    }
    if (sub === 'egress' && name) return agentEgress(ctx, name, rest);
    if (sub === 'limit' && name) return agentLimit(ctx, name, rest);
    if (sub === 'revoke' && name) {
      const r = await ctx.api.call('agents.revoke', { name });
      print(ctx, r, () =>
        r.revoked ? `Revoked "${name}": the gateway refuses its token from now on and closed the connections it had open.` : `No agent "${name}".`,
      );
      return r.revoked ? EXIT.ok : EXIT.secret;
    }
    return usage(
      'usage: onecli-launcher agents [list] | create <name> [--allow M,M] [--ask] [--egress open|allowlist] | allow <name> M… | disallow <name> M… | policy <name> ask|allow | egress <name> … | limit <name> [M] N/minute|off | revoke <name>',
    );
  },
  async approvals(ctx) {
    const [sub, id, extra] = ctx.args;
    if (sub === undefined || sub === 'list') {
      const list = await ctx.api.call('approvals.list', {});
      return print(ctx, list, () => formatApprovals(list, Date.now()));
    }
    if ((sub === 'allow' || sub === 'deny') && id && extra === undefined) {
      if (sub === 'deny' && ctx.flags.always) usage('--always goes with approvals allow, not deny');
      const decision = sub === 'deny' ? 'deny' : ctx.flags.always ? 'always' : 'session';
      const r = await ctx.api.call('approvals.decide', { id, decision });
      return print(ctx, r, () =>
        r.decision === 'deny'
          ? `Denied: ${r.agent} gets 403 denied for ${r.mapping} (and is not asked about it again for 10 minutes).`
          : r.decision === 'always'
            ? `Allowed ${r.agent} to use ${r.mapping} always (kept in its settings; change it under Agents).`
            : `Allowed ${r.agent} to use ${r.mapping} for this session (until 10 minutes without use, 12 hours at most).`,
      );
    }
    return usage('usage: onecli-launcher approvals [list] | allow <id> [--always] | deny <id>');
  },
  async ca(ctx) {
    if (ctx.args[0] !== 'rotate') usage('usage: onecli-launcher ca rotate');
    const r = await ctx.api.call('ca.rotate', {});
    return print(ctx, r, () => `New local CA ${r.sha256}. New agent processes trust it at once (same file paths); restart long-running agents.`);
  },
  async ui(ctx) {
    if (ctx.mode !== 'running') usage('the UI is served by a running launcher: start onecli-launcher serve first');
    const { url } = await ctx.api.call('ui.loginUrl', {});
    print(ctx, { url }, () => `Open this one-time link (valid 5 minutes):\n${url}`);
    if (ctx.flags.open) {
      const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
      spawn(opener, [url], { stdio: 'ignore', detached: true })
        .on('error', () => process.stderr.write(`onecli-launcher: could not run ${opener}; open the link yourself.\n`))
        .unref();
    }
    return EXIT.ok;
  },
  'onecli-compat': onecliCompat,
  async gateway(ctx) {
    if (ctx.args[0] !== 'restart') usage('usage: onecli-launcher gateway restart');
    const r = await ctx.api.call('gateway.restart', {});
    return print(ctx, r, () => `Gateway ${r.state}.`);
  },
};
