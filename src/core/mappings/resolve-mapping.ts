import { extraReferences } from '../../shared/header-rule.js';
import type { Remedy } from '../../shared/remedy.js';
import { parseSecretReference } from '../../shared/secret-reference.js';
import { mappingNameOf } from '../../shared/settings.js';
import type { ResolveResult } from '../../shared/vault-errors.js';
import type { CoreLogger } from '../core-deps.js';
import { localSecretName } from '../secrets/secret-names.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { VaultError } from '../vault/vault-error.js';
import type { VaultSource } from '../vault/vault-source.js';

/** A resolve outcome before a surface words it: a failure may name its remedy. */
export type Resolution = Extract<ResolveResult, { ok: true }> | (Extract<ResolveResult, { ok: false }> & { readonly remedy?: Remedy | undefined });

export interface MappingResolverDeps {
  readonly settings: SettingsRepository;
  readonly secrets: SecretStore;
  readonly vaultSource: () => Promise<VaultSource>;
  readonly log: CoreLogger;
}

/**
 * A mapping's values (mapping → references → source → values): its reference's, then, for a
 * several-header rule, each other header's (`more`). Failures carry the shared code and a fix;
 * never a value.
 */
export class MappingResolver {
  constructor(private readonly deps: MappingResolverDeps) {}

  async resolve(mappingId: string): Promise<Resolution> {
    const mapping = this.deps.settings.get().mappings.find((m) => mappingNameOf(m) === mappingId);
    if (!mapping) return { ok: false, code: 'not_found', message: `No mapping named ${mappingId.slice(0, 100)}; it may have just been removed.` };
    const values: string[] = [];
    for (const [i, reference] of [mapping.reference, ...extraReferences(mapping.rule)].entries()) {
      if (reference === undefined)
        return {
          ok: false,
          code: 'bad_reference',
          message: `The mapping ${mappingId}: header ${i + 1} has no reference; add the mapping again with one reference per header.`,
        };
      const result = await this.#resolveReference(mappingId, reference);
      if (!result.ok) return result;
      values.push(result.value);
    }
    const [value = '', ...more] = values;
    return more.length ? { ok: true, value, more } : { ok: true, value };
  }

  async #resolveReference(mappingId: string, raw: string): Promise<Resolution> {
    const reference = parseSecretReference(raw);
    if ('error' in reference) return { ok: false, code: 'bad_reference', message: `The mapping ${mappingId}: the reference ${reference.error}.` };
    try {
      if (reference.kind === 'local') {
        const value = await this.deps.secrets.get(localSecretName(reference.name));
        if (!value)
          return { ok: false, code: 'not_found', message: `No local secret "${reference.name}": set it with onecli-launcher secrets set ${reference.name} -` };
        return { ok: true, value };
      }
      return await this.#fromSource(raw);
    } catch (err) {
      return this.#failure(err, { mapping: mappingId });
    }
  }

  /**
   * One `op://` reference on its own, for the OneCLI door (issue 15): the same source, the same
   * vocabulary and the same sentences as a mapping's reference. The caller checks the grammar.
   */
  async resolveReference(reference: string): Promise<Resolution> {
    try {
      return await this.#fromSource(reference);
    } catch (err) {
      return this.#failure(err, { door: 'onecli' });
    }
  }

  async #fromSource(reference: string): Promise<Resolution> {
    const value = await (await this.deps.vaultSource()).resolve(reference);
    if (!value) return { ok: false, code: 'not_found', message: `${reference} is empty in 1Password.` };
    return { ok: true, value };
  }

  #failure(err: unknown, where: Record<string, string>): Resolution {
    if (err instanceof VaultError) return { ok: false, code: err.code, message: err.fix, ...(err.remedy ? { remedy: err.remedy } : {}) };
    this.deps.log.error({ ...where, kind: err instanceof Error ? err.name : typeof err }, 'resolve failed unexpectedly');
    return {
      ok: false,
      code: 'unavailable',
      message: `Resolving ${where.mapping ? 'this mapping' : 'this reference'} failed unexpectedly; see the launcher log.`,
    };
  }
}
