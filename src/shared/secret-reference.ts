import { z } from 'zod';

/**
 * `op://vault/item/[section/]field[?attribute=…]`. Names are case-insensitive; allowed
 * characters are letters, digits, `-`, `_`, `.` and space (reference/op-cli.md §1.2); other
 * names must be given by ID. Validated before saving so a typo fails at once, not at the
 * first request.
 */
const OP_SEGMENT = /^[A-Za-z0-9 _.-]+$/;
const OP_QUERY = /^(attribute=(otp|value|type|id|purpose|reference)|ssh-format=openssh)$/;

/** `local://name`: a secret kept in the OS keychain by the launcher itself. */
export const LOCAL_SECRET_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export type ParsedReference = { kind: 'op'; vault: string; item: string; section?: string; field: string; query?: string } | { kind: 'local'; name: string };

/** Parses a reference, or returns the sentence that says what is wrong with it. */
export function parseSecretReference(raw: string): ParsedReference | { error: string } {
  if (raw.startsWith('local://')) {
    const name = raw.slice('local://'.length);
    return LOCAL_SECRET_NAME.test(name)
      ? { kind: 'local', name }
      : { error: 'local:// names are lower-case letters, digits, ".", "_" and "-", such as local://my-key' };
  }
  if (!raw.startsWith('op://')) return { error: 'must be a 1Password reference (op://vault/item/field) or a local secret (local://name)' };
  const [path = '', query, ...extra] = raw.slice('op://'.length).split('?');
  if (extra.length > 0 || (query !== undefined && !OP_QUERY.test(query)))
    return { error: 'the only query parts allowed are ?attribute=otp|value|type|id|purpose|reference and ?ssh-format=openssh' };
  const segments = path.split('/');
  if (segments.length < 3 || segments.length > 4 || segments.some((s) => s.length === 0)) {
    return { error: 'must have a vault, an item and a field, and at most one section: op://vault/item/[section/]field' };
  }
  // The message never echoes the input: a "reference" that fails to parse may be a pasted secret.
  if (segments.some((s) => !OP_SEGMENT.test(s)))
    return { error: `names may hold only letters, digits, spaces, "-", "_" and "."; use the vault's or item's ID instead of any name with other characters` };
  const [vault, item, a, b] = segments as [string, string, string, string | undefined];
  const base = { kind: 'op' as const, vault, item, ...(query ? { query } : {}) };
  return b === undefined ? { ...base, field: a } : { ...base, section: a, field: b };
}

export const SecretReference = z.string().superRefine((raw, ctx) => {
  const parsed = parseSecretReference(raw);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
});
