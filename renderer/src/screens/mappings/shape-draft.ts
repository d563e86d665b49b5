import { basicTemplateProblem, queryParamProblem } from '../../../../src/shared/credential-shapes.js';
import { HeaderRule, MAX_HEADER_PARTS, headerNameProblem, valueTemplateProblem } from '../../../../src/shared/header-rule.js';
import { parseSecretReference } from '../../../../src/shared/secret-reference.js';

/**
 * A credential shape as the mapping form edits it: every kind the data model has
 * (src/shared/header-rule.ts), as text fields. `draftOf` and `ruleOf` go between the two, so an
 * edit saves the stored rule unchanged unless a field was changed.
 */
export type ShapeKind = HeaderRule['type'];

export const SHAPE_KINDS: readonly { readonly kind: ShapeKind; readonly label: string }[] = [
  { kind: 'bearer', label: 'Authorization: Bearer <key>' },
  { kind: 'x-api-key', label: 'x-api-key: <key>' },
  { kind: 'custom', label: 'A header, from a template' },
  { kind: 'basic', label: 'Basic auth (user:password)' },
  { kind: 'query', label: 'A query parameter (?key=…)' },
  { kind: 'headers', label: 'Several headers, one secret each' },
];

export interface HeaderPartDraft {
  readonly header: string;
  readonly template: string;
  /** Its own secret; the first header's is the mapping's (unused here). */
  readonly reference: string;
}

export interface ShapeDraft {
  readonly kind: ShapeKind;
  /** `custom` */
  readonly header: string;
  readonly template: string;
  /** `basic` */
  readonly basic: string;
  /** `query` */
  readonly param: string;
  /** `headers` */
  readonly parts: readonly HeaderPartDraft[];
}

export const EMPTY_PART: HeaderPartDraft = { header: '', template: '{value}', reference: '' };
const BLANK: ShapeDraft = { kind: 'bearer', header: '', template: '{value}', basic: '', param: '', parts: [EMPTY_PART, EMPTY_PART] };

/** The form's fields for a stored rule; the fields of the other kinds start blank. */
export function draftOf(rule: HeaderRule): ShapeDraft {
  switch (rule.type) {
    case 'x-api-key':
    case 'bearer':
      return { ...BLANK, kind: rule.type };
    case 'custom':
      return { ...BLANK, kind: 'custom', header: rule.header, template: rule.template };
    case 'basic':
      return { ...BLANK, kind: 'basic', basic: rule.template };
    case 'query':
      return { ...BLANK, kind: 'query', param: rule.param };
    case 'headers':
      return { ...BLANK, kind: 'headers', parts: rule.headers.map((p) => ({ header: p.header, template: p.template, reference: p.reference ?? '' })) };
  }
}

type PartField = 'header' | 'template' | 'reference';
export interface ShapeProblems {
  header?: string;
  template?: string;
  basic?: string;
  param?: string;
  /** The headers as a whole (duplicates, how many). */
  parts?: string;
  /** Per header, by index. */
  part?: Partial<Record<number, Partial<Record<PartField, string>>>>;
}

/** A shared rule's predicate as the form shows it: "The header must …". */
export const asSentence = (problem: string) => `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;

/**
 * The rule the fields make, checked with the same schemas and sentences as the core's
 * `mappings add`; or each field's problem. A several-header rule carries the references of its
 * headers after the first (the core takes them from it).
 */
export function ruleOf(draft: ShapeDraft): { rule: HeaderRule } | { problems: ShapeProblems } {
  const problems: ShapeProblems = {};
  let candidate: unknown;
  switch (draft.kind) {
    case 'x-api-key':
    case 'bearer':
      candidate = { type: draft.kind };
      break;
    case 'custom': {
      const header = draft.header.trim();
      const template = draft.template.trim() || '{value}';
      if (!header) problems.header = 'Enter the header name, such as x-api-key.';
      else if (headerNameProblem(header)) problems.header = asSentence(headerNameProblem(header) ?? '');
      if (valueTemplateProblem(template)) problems.template = asSentence(valueTemplateProblem(template) ?? '');
      candidate = { type: 'custom', header, template };
      break;
    }
    case 'basic': {
      const problem = basicTemplateProblem(draft.basic.trim());
      if (problem) problems.basic = asSentence(problem);
      candidate = { type: 'basic', template: draft.basic.trim() };
      break;
    }
    case 'query': {
      const problem = queryParamProblem(draft.param.trim());
      if (problem) problems.param = asSentence(problem);
      candidate = { type: 'query', param: draft.param.trim() };
      break;
    }
    case 'headers':
      candidate = { type: 'headers', headers: partsOf(draft.parts, problems) };
      break;
  }
  if (Object.keys(problems).length) return { problems };
  const parsed = HeaderRule.safeParse(candidate);
  if (!parsed.success) return { problems: { parts: asSentence(`the headers ${parsed.error.issues[0]?.message ?? 'are not valid'}`) } };
  return { rule: parsed.data };
}

function partsOf(parts: readonly HeaderPartDraft[], problems: ShapeProblems): { header: string; template: string; reference?: string }[] {
  if (parts.length < 2 || parts.length > MAX_HEADER_PARTS)
    problems.parts = `List from 2 to ${MAX_HEADER_PARTS} headers; for one header, choose “A header, from a template”.`;
  return parts.map((p, i) => {
    const found: Partial<Record<PartField, string>> = {};
    const header = p.header.trim();
    const template = p.template.trim() || '{value}';
    const reference = p.reference.trim();
    if (!header) found.header = 'Enter the header name.';
    else if (headerNameProblem(header)) found.header = asSentence(headerNameProblem(header) ?? '');
    if (valueTemplateProblem(template)) found.template = asSentence(valueTemplateProblem(template) ?? '');
    if (i > 0) {
      const ref = reference ? parseSecretReference(reference) : undefined;
      if (!ref) found.reference = 'Choose this header’s secret: a field in 1Password, or type op://… or local://… .';
      else if ('error' in ref) found.reference = asSentence(ref.error);
    }
    if (Object.keys(found).length) problems.part = { ...problems.part, [i]: found };
    return i === 0 ? { header, template } : { header, template, reference };
  });
}
