import { z } from 'zod';
import { parseOpReference, requireOpName, requireOpReference } from './op-reference.js';
import type { OpRunner } from './op-runner.js';
import { VaultError } from './vault-error.js';
import type { FieldSummary, ItemSummary, VaultSource, VaultSummary } from './vault-source.js';

// Only the keys we use are declared; zod drops the rest, so a field's `value` printed by
// `op item get` never survives parsing.
const OpVaultList = z.array(z.object({ id: z.string().min(1), name: z.string() }));

const OpItemList = z.array(
  z.object({
    id: z.string().min(1),
    title: z.string(),
    category: z.string(),
    urls: z.array(z.object({ href: z.string() })).optional(),
  }),
);

const OpField = z.object({
  id: z.string().min(1),
  type: z.string(),
  label: z.string().optional(),
  section: z.object({ id: z.string(), label: z.string().optional() }).optional(),
  reference: z.string().optional(),
});
type OpField = z.infer<typeof OpField>;

const OpItemDetail = z.object({
  id: z.string().min(1),
  vault: z.object({ id: z.string().min(1) }),
  fields: z.array(OpField).optional(),
});

const UNREADABLE_OUTPUT_FIX =
  'The 1Password CLI printed output OneCLI does not understand; update op to the latest version, then retry. The doctor shows which op is used.';

/**
 * Parses what `op … --format json` printed. Garbage is an `unavailable` VaultError, never a
 * crash. The cause names only what was wrong: JSON.parse's own message quotes the input,
 * and `op item get` output holds secret values.
 */
function parseOpJson<T>(stdout: string, schema: z.ZodType<T>, command: string): T {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new VaultError('unavailable', UNREADABLE_OUTPUT_FIX, { cause: new Error(`op ${command}: output is not JSON`) });
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const where = result.error.issues
    .map((i) => i.path.join('.') || '(root)')
    .slice(0, 5)
    .join(', ');
  throw new VaultError('unavailable', UNREADABLE_OUTPUT_FIX, { cause: new Error(`op ${command}: unexpected JSON at ${where}`) });
}

/**
 * The reference that reads a field: `op`'s own, when it is one we accept; else one built from
 * IDs, which works when a name holds characters a reference may not contain.
 */
function fieldReference(vaultId: string, itemId: string, field: OpField): string | undefined {
  if (field.reference !== undefined && parseOpReference(field.reference)) return field.reference;
  const byId = `op://${vaultId}/${itemId}/${field.section ? `${field.section.id}/` : ''}${field.id}`;
  return parseOpReference(byId) ? byId : undefined;
}

/**
 * 1Password through the desktop app, via the `op` CLI (biometric unlock). Each call spawns
 * one short-lived `op` through the runner, which owns timeouts, env and error mapping.
 */
export class OpDesktopSource implements VaultSource {
  readonly kind = 'desktop' as const;
  readonly #run: OpRunner;

  constructor(run: OpRunner) {
    this.#run = run;
  }

  async resolve(reference: string): Promise<string> {
    requireOpReference(reference); // a malformed reference never reaches a process
    // The stdout of `op read` is the secret itself: it is returned, never logged or wrapped.
    const value = await this.#run(['read', reference, '--no-newline']);
    if (value === '') throw new VaultError('not_found', 'That field is empty in 1Password; put the credential in it, or pick another field.');
    return value;
  }

  async listVaults(): Promise<VaultSummary[]> {
    const stdout = await this.#run(['vault', 'list', '--format', 'json']);
    return parseOpJson(stdout, OpVaultList, 'vault list').map(({ id, name }) => ({ id, name }));
  }

  async listItems(vaultId: string): Promise<ItemSummary[]> {
    const stdout = await this.#run(['item', 'list', '--vault', requireOpName('vault', vaultId), '--format', 'json']);
    return parseOpJson(stdout, OpItemList, 'item list').map((item) => ({
      id: item.id,
      title: item.title,
      category: item.category,
      urls: (item.urls ?? []).map((u) => u.href),
    }));
  }

  async listFields(vaultId: string, itemId: string): Promise<FieldSummary[]> {
    const args = ['item', 'get', requireOpName('item', itemId), '--vault', requireOpName('vault', vaultId), '--format', 'json'];
    const item = parseOpJson(await this.#run(args), OpItemDetail, 'item get');
    const fields: FieldSummary[] = [];
    for (const field of item.fields ?? []) {
      const reference = fieldReference(item.vault.id, item.id, field);
      if (reference === undefined) continue; // no reference can address it, so it cannot be mapped
      fields.push({ id: field.id, label: field.label ?? field.id, type: field.type, section: field.section?.label, sectionId: field.section?.id, reference });
    }
    return fields;
  }
}
