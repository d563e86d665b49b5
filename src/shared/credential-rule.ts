import { BasicTemplate, QueryParamName } from './credential-shapes.js';
import { HeaderName, HeaderRule, ValueTemplate, defaultHeaderRule, headerRuleFrom } from './header-rule.js';
import { presetCredential, presetForHost, providerById } from './providers.js';
import type { z } from 'zod';

/** The ways a user names a credential shape: `mappings add` flags, the control API, a `--config` mapping. */
export interface ShapeInput {
  readonly header?: string | undefined;
  readonly template?: string | undefined;
  readonly basic?: string | undefined;
  readonly query?: string | undefined;
  readonly headers?: readonly { readonly header: string; readonly template?: string | undefined }[] | undefined;
  readonly preset?: string | undefined;
  /** The shape as data, as settings and `mappings.list` hold it (the UI's form sends it whole). */
  readonly rule?: HeaderRule | undefined;
}

export type ShapeChoice = { readonly ok: true; readonly rule: HeaderRule } | { readonly ok: false; readonly field: string; readonly message: string };

const KIND_NAMES = {
  header: 'a header (--header/--template)',
  basic: '--basic',
  query: '--query',
  headers: 'several headers',
  preset: '--preset',
  rule: 'a rule',
} as const;

function check<T>(schema: z.ZodType<T>, text: string, field: string, subject: string): { ok: true; value: T } | { ok: false; field: string; message: string } {
  const parsed = schema.safeParse(text);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, field, message: `${subject} ${parsed.error.issues[0]?.message ?? 'is not valid'}` };
}

/**
 * The rule for `host` (a mapping on `path`) from what the user gave: one shape at most; none
 * picks the catalog's shape for a known host, else OneCLI's default. A several-header rule comes
 * back without references beyond the first (the caller attaches them), except a `rule` given
 * whole, which keeps its own. Messages are sentences naming the problem.
 */
export function shapeFromInput(host: string, input: ShapeInput, path?: string): ShapeChoice {
  const given = (
    [
      ['header', input.header !== undefined || input.template !== undefined],
      ['basic', input.basic !== undefined],
      ['query', input.query !== undefined],
      ['headers', input.headers !== undefined],
      ['preset', input.preset !== undefined],
      ['rule', input.rule !== undefined],
    ] as const
  ).flatMap(([kind, set]) => (set ? [kind] : []));
  if (given.length > 1)
    return {
      ok: false,
      field: given[1] ?? 'shape',
      message: `one credential shape per mapping: ${given.map((k) => KIND_NAMES[k]).join(' and ')} were given together`,
    };
  if (input.rule !== undefined) {
    const rule = HeaderRule.safeParse(input.rule);
    if (!rule.success) return { ok: false, field: 'rule', message: `the rule ${rule.error.issues[0]?.message ?? 'is not valid'}` };
    return { ok: true, rule: rule.data };
  }
  if (input.preset !== undefined) {
    const entry = providerById(input.preset);
    if (!entry)
      return { ok: false, field: 'preset', message: `there is no preset named "${input.preset.slice(0, 64)}"; onecli-launcher providers list shows them` };
    return { ok: true, rule: presetCredential(entry, host) };
  }
  if (input.basic !== undefined) {
    const t = check(BasicTemplate, input.basic, 'basic', 'the Basic template');
    return t.ok ? { ok: true, rule: { type: 'basic', template: t.value } } : t;
  }
  if (input.query !== undefined) {
    const q = check(QueryParamName, input.query, 'query', 'the query parameter');
    return q.ok ? { ok: true, rule: { type: 'query', param: q.value } } : q;
  }
  if (input.headers !== undefined) {
    const parts: { header: string; template: string }[] = [];
    for (const [i, part] of input.headers.entries()) {
      const name = check(HeaderName, part.header, `headers[${i}].header`, `header ${i + 1}`);
      if (!name.ok) return name;
      const template = check(ValueTemplate, part.template ?? '{value}', `headers[${i}].template`, `the template of header ${i + 1}`);
      if (!template.ok) return template;
      parts.push({ header: name.value, template: template.value });
    }
    const rule = HeaderRule.safeParse({ type: 'headers', headers: parts });
    if (!rule.success) return { ok: false, field: 'headers', message: `the headers ${rule.error.issues[0]?.message ?? 'are not valid'}` };
    return { ok: true, rule: rule.data };
  }
  if (input.header !== undefined || input.template !== undefined) {
    if (input.header !== undefined) {
      const name = check(HeaderName, input.header, 'header', 'the header');
      if (!name.ok) return name;
    }
    if (input.template !== undefined) {
      const template = check(ValueTemplate, input.template, 'template', 'the template');
      if (!template.ok) return template;
    }
    return { ok: true, rule: headerRuleFrom(host, input.header, input.template) };
  }
  return { ok: true, rule: presetForHost(host, path)?.credential ?? defaultHeaderRule(host) };
}

/** How many values (references) a rule takes: one, or one per header. */
export function referencesNeeded(rule: HeaderRule): number {
  return rule.type === 'headers' ? rule.headers.length : 1;
}
