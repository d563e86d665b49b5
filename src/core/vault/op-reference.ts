import { parseSecretReference } from '../../shared/secret-reference.js';
import { VaultError } from './vault-error.js';

/** A secret reference `op://vault/item/[section/]field[?query]`, split into its parts. */
export interface OpReference {
  readonly vault: string;
  readonly item: string;
  readonly section?: string | undefined;
  readonly field: string;
  readonly query?: string | undefined;
}

// The fix never echoes the malformed text: a "reference" that fails to parse may well be a
// secret pasted into the wrong box.
const BAD_REFERENCE_FIX =
  'Use a reference of the form op://vault/item/[section/]field whose names hold only letters, digits, spaces, "-", "_" and "."; use the ID instead of any name with other characters.';

/** Parses a reference with the one grammar in src/shared, or returns undefined when it is malformed or not op://. */
export function parseOpReference(reference: string): OpReference | undefined {
  const parsed = parseSecretReference(reference);
  if ('error' in parsed || parsed.kind !== 'op') return undefined;
  return { vault: parsed.vault, item: parsed.item, section: parsed.section, field: parsed.field, query: parsed.query };
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
