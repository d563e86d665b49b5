import type { ControlParams } from '../shared/control-api.js';
import { ControlError } from '../core/control-error.js';
import { listFlag } from './list-flag.js';

/** One `--header NAME [--template T]` pair, in the order given; a `--template` alone has no name (the default header). */
export interface HeaderFlag {
  readonly header?: string;
  readonly template?: string;
}

type Token = { kind: string; name?: string; value?: string | undefined };

/**
 * Pairs each `--template` with the `--header` before it, so `--header a --header b --template
 * "Bearer {value}"` gives `b` the template. A `--template` before any `--header` belongs to the
 * one header (the default one, or the single `--header` that follows).
 */
export function headerFlags(tokens: readonly Token[] | undefined): HeaderFlag[] {
  const out: { header?: string; template?: string }[] = [];
  for (const t of tokens ?? []) {
    if (t.kind !== 'option' || t.value === undefined) continue;
    if (t.name === 'header') {
      const last = out.at(-1);
      if (last && last.header === undefined) last.header = t.value;
      else out.push({ header: t.value });
    } else if (t.name === 'template') {
      const last = out.at(-1);
      if (!last) out.push({ template: t.value });
      else if (last.template === undefined) last.template = t.value;
      else throw usage('each --header takes at most one --template, written after it');
    }
  }
  return out;
}

function usage(message: string): ControlError {
  return new ControlError('invalid_params', message);
}

export const MAPPINGS_ADD_USAGE =
  'usage: onecli-launcher mappings add <host> <op://vault/item/field | local://name> [more references…] [--path PREFIX] [--method GET,POST] [--header NAME [--template "Bearer {value}"]]… | --basic "USER:{value}" | --query NAME | --preset ID [--replace]';

/**
 * `mappings add HOST REF [REF…]` flags as control-API params. What one mapping cannot express is
 * refused here with a sentence: two shapes at once, a template with no header in a several-header
 * rule, references without a header to take them.
 */
export function mappingAddParams(
  positional: readonly string[],
  flags: Readonly<Record<string, unknown>>,
  headers: readonly HeaderFlag[],
): ControlParams<'mappings.add'> {
  const [host, reference, ...references] = positional;
  if (!host || !reference) throw usage(MAPPINGS_ADD_USAGE);
  const text = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const params: ControlParams<'mappings.add'> = { host, reference };
  if (headers.length === 1) {
    const [only] = headers;
    if (only?.header !== undefined) params.header = only.header;
    if (only?.template !== undefined) params.template = only.template;
  } else if (headers.length > 1) {
    const unnamed = headers.findIndex((h) => h.header === undefined);
    if (unnamed !== -1) throw usage('with several --header flags, each --template follows the --header it belongs to');
    params.headers = headers.map((h) => ({ header: h.header as string, ...(h.template !== undefined ? { template: h.template } : {}) }));
  }
  const basic = text('basic');
  const query = text('query');
  const preset = text('preset');
  if (basic !== undefined) params.basic = basic;
  if (query !== undefined) params.query = query;
  if (preset !== undefined) params.preset = preset;
  if (references.length) params.references = references;
  const path = text('path');
  const methods = listFlag(flags.method, 'method');
  if (path !== undefined) params.path = path;
  if (methods) params.methods = methods;
  if (flags.replace) params.replace = true;
  return params;
}
