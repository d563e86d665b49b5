import { PROVIDER_CATALOG, type CredentialShape, type ProviderEntry } from '../shared/providers.js';
import { ControlError } from '../core/control-error.js';
import { EXIT } from './exit-codes.js';

/** A shape in words, as `providers list` and `mappings add` show it. */
export function describeShape(shape: CredentialShape): string {
  switch (shape.type) {
    case 'x-api-key':
      return 'x-api-key: <value>';
    case 'bearer':
      return 'Authorization: Bearer <value>';
    case 'custom':
      return `${shape.header}: ${shape.template.replaceAll('{value}', '<value>')}`;
    case 'basic':
      return `Basic ${shape.template.replaceAll('{value}', '<value>')}`;
    case 'query':
      return `?${shape.param}=<value>`;
    case 'headers':
      return shape.headers.map((p, i) => `${p.header}: ${p.template.replaceAll('{value}', `<value ${i + 1}>`)}`).join(' + ');
  }
}

function entryLines(p: ProviderEntry): string[] {
  const hosts = p.hosts.length
    ? p.hosts.map((h) => (h.credential ? `${h.host} (${describeShape(h.credential)})` : h.host)).join(', ')
    : 'any host, with --preset';
  const lines = [`${p.id.padEnd(18)} ${p.name}`, `${''.padEnd(18)} shape   ${describeShape(p.credential)}`, `${''.padEnd(18)} hosts   ${hosts}`];
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
