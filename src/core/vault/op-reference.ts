import { VaultError } from './vault-error.js';

/** A secret reference `op://vault/item/[section/]field[?query]`, split into its parts. */
export interface OpReference {
  readonly vault: string;
  readonly item: string;
  readonly section?: string | undefined;
  readonly field: string;
  readonly query?: string | undefined;
}

const REF_PREFIX = 'op://';
// 1Password's reference syntax allows only these characters in names; anything else must be
// addressed by ID (developer.1password.com/docs/cli/secrets-reference-syntax).
const NAME_CHARS = /^[A-Za-z0-9 _.-]+$/;
const QUERY = /^(attribute=(otp|value|type|id|purpose|reference)|ssh-format=openssh)$/;

// The fix never echoes the malformed text: a "reference" that fails to parse may well be a
// secret pasted into the wrong box.
const BAD_REFERENCE_FIX =
  'Use a reference of the form op://vault/item/[section/]field whose names hold only letters, digits, spaces, "-", "_" and "."; use the ID instead of any name with other characters.';

/** Parses a reference, or returns undefined when it is malformed. Names are not checked against 1Password. */
export function parseOpReference(reference: string): OpReference | undefined {
  if (!reference.startsWith(REF_PREFIX)) return undefined;
  const rest = reference.slice(REF_PREFIX.length);
  const queryAt = rest.indexOf('?');
  const pathPart = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : rest.slice(queryAt + 1);
  if (query !== undefined && !QUERY.test(query)) return undefined;
  const segments = pathPart.split('/');
  if (segments.length < 3 || segments.length > 4) return undefined;
  if (!segments.every((s) => NAME_CHARS.test(s))) return undefined;
  const [vault, item, ...tail] = segments as [string, string, ...string[]];
  const field = tail[tail.length - 1] as string;
  return { vault, item, section: tail.length === 2 ? tail[0] : undefined, field, query };
}

/** Like parseOpReference, but a malformed reference is a `bad_reference` VaultError. */
export function requireOpReference(reference: string): OpReference {
  const parsed = parseOpReference(reference);
  if (!parsed) throw new VaultError('bad_reference', BAD_REFERENCE_FIX);
  return parsed;
}

/**
 * A vault or item ID handed to `op` as an argument. `op` would read a leading "-" as a flag,
 * and control characters have no business in a name.
 */
export function requireOpName(kind: 'vault' | 'item', name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.startsWith('-') || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new VaultError('bad_reference', `Pick the ${kind} again from the list: the ${kind} ID given is not one 1Password uses.`);
  }
  return name;
}
