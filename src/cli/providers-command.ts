import { describeRule } from '../shared/header-rule.js';
import { PROVIDER_CATALOG, type ProviderEntry } from '../shared/providers.js';
import { ControlError } from '../core/control-error.js';
import { EXIT } from './exit-codes.js';

function entryLines(p: ProviderEntry): string[] {
  const hosts = p.hosts.length
    ? p.hosts.map((h) => `${h.host}${h.path ?? ''}${h.credential ? ` (${describeRule(h.credential)})` : ''}`).join(', ')
    : 'any host, with --preset';
  const lines = [`${p.id.padEnd(18)} ${p.name}`, `${''.padEnd(18)} shape   ${describeRule(p.credential)}`, `${''.padEnd(18)} hosts   ${hosts}`];
  if (p.route)
    lines.push(`${''.padEnd(18)} route   /r/${p.route.name}${p.route.basePath}  (env sets ${[...p.route.baseUrlEnv, ...p.route.apiKeyEnv].join(', ')})`);
  const vars = [...new Set(p.env.map((v) => v.name))];
  if (vars.length) lines.push(`${''.padEnd(18)} reads   ${vars.join(', ')}`);
  return lines;
}

/** `providers list [--json]`: the catalog from src/shared/providers.ts, no launcher needed. */
export function providersCommand(args: readonly string[], json: boolean, out: (text: string) => void): number {
  const [sub, ...extra] = args;
  if ((sub !== undefined && sub !== 'list') || extra.length) throw new ControlError('invalid_params', 'usage: onecli-launcher providers [list] [--json]');
  if (json) out(JSON.stringify(PROVIDER_CATALOG, null, 2));
  else out([...PROVIDER_CATALOG.map((p) => entryLines(p).join('\n')), 'Map one: onecli-launcher mappings add <host> <reference> [--preset <id>]'].join('\n\n'));
  return EXIT.ok;
}
