import { presetForHost } from '../../shared/providers.js';
import { mappingNameOf, type Settings } from '../../shared/settings.js';
import { isReferenceSubject, mappingsHolding, referenceInScope } from '../agents/reference-scope.js';
import { mappingKey } from '../mappings/mapping-rules.js';

/**
 * What an approval card shows for a mapping: its host, and the service's name when it is a known
 * one. A reference (the OneCLI door asks about `op://…`, issue 15) shows the host of a mapping that
 * holds it, if one does.
 */
export function approvalTarget(settings: Settings, mappingId: string): { host: string; service?: string } | undefined {
  const reference = isReferenceSubject(mappingId);
  const mapping = reference ? mappingsHolding(settings, mappingId)[0] : settings.mappings.find((m) => mappingNameOf(m) === mappingId);
  if (!mapping) return reference ? { host: 'OneCLI' } : undefined;
  const service = presetForHost(mappingKey(mapping.host).host, mapping.path)?.entry.name;
  return { host: mapping.host, ...(service ? { service } : {}) };
}

/**
 * Whether a card may be shown: the agent exists, asks first and may use the mapping, or the
 * reference (scope comes before consent): `ask`. Allowed always already (the gateway had not
 * heard yet): `approved`. Anything else is `refused`, and no card is shown. The gateway checks the same before it asks;
 * this is the launcher's own check on what the gateway sends it.
 */
export function approvalStanding(settings: Settings, agentName: string, mappingId: string): 'ask' | 'approved' | 'refused' {
  const agent = settings.agents.find((a) => a.name === agentName);
  if (!agent) return 'refused';
  if (isReferenceSubject(mappingId)) {
    if (!referenceInScope(settings, agent.allow, mappingId).inScope) return 'refused';
  } else {
    if (!settings.mappings.some((m) => mappingNameOf(m) === mappingId)) return 'refused';
    if (agent.allow !== 'all' && !agent.allow.includes(mappingId)) return 'refused';
  }
  if (agent.policy !== 'ask' || agent.approved.includes(mappingId)) return 'approved';
  return 'ask';
}
