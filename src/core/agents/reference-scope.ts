import { extraReferences } from '../../shared/header-rule.js';
import { mappingNameOf, type AgentAllow, type Mapping, type Settings } from '../../shared/settings.js';

/**
 * Scope in terms of references, for the OneCLI door (issue 15): OneCLI asks for an `op://`
 * reference, not a mapping. An agent whose scope is `all` may have any reference; one with a list
 * of mappings may have the references those mappings hold (each header's, for a several-header
 * rule), compared exactly as written.
 */

/** An approval or an "always" about a reference rather than a mapping: mapping names never hold `://`. */
export function isReferenceSubject(id: string): boolean {
  return id.startsWith('op://');
}

function referencesOf(m: Mapping): string[] {
  return [m.reference, ...extraReferences(m.rule)].filter((r): r is string => r !== undefined);
}

/** The mappings that hold `reference`, in settings order. */
export function mappingsHolding(settings: Settings, reference: string): Mapping[] {
  return settings.mappings.filter((m) => referencesOf(m).includes(reference));
}

/**
 * Whether `allow` covers `reference`, and the mapping it comes through: the first in scope that
 * holds it (for the activity log, a limit on that mapping, the approval card), or, out of scope,
 * the first that holds it at all (so the refusal can offer to allow that mapping).
 */
export function referenceInScope(settings: Settings, allow: AgentAllow, reference: string): { inScope: boolean; mapping: string | null } {
  const holders = mappingsHolding(settings, reference).map(mappingNameOf);
  const inScopeHolder = allow === 'all' ? holders[0] : holders.find((name) => allow.includes(name));
  if (allow === 'all' || inScopeHolder !== undefined) return { inScope: true, mapping: inScopeHolder ?? null };
  return { inScope: false, mapping: holders[0] ?? null };
}
