import type { ControlMethod, ControlResult, CONTROL_METHODS } from '../../shared/control-api.js';
import type { LauncherCore } from '../launcher-core.js';

/** A method's params as its handler gets them: parsed with the shared schema (defaults applied). */
export type ControlHandlerParams<M extends ControlMethod> = import('zod').infer<(typeof CONTROL_METHODS)[M]['params']>;
type Handlers = { [M in ControlMethod]: (core: LauncherCore, params: ControlHandlerParams<M>) => Promise<ControlResult<M>> };

/**
 * Every control-API method, once: each translates params into one call on a core service and
 * its answer into the result. The work (and what it may touch) lives in the services;
 * transports reach these only through `invoke` (invoke.ts), which parses params first.
 */
export const CONTROL_HANDLERS: Handlers = {
  'status.get': async (core) => core.status(),
  'mappings.list': async (core) => core.mappings.list(),
  'mappings.add': async (core, p) => core.mappings.add(p),
  'mappings.remove': async (core, p) => core.mappings.remove(p.host),
  'mappings.test': async (core, p) => core.mappings.test(p.host),
  'mappings.probe': async (core, p) => core.mappings.probe(p.host),
  'mappings.block': async (core, p) => core.mappings.block(p),
  'secrets.set': async (core, p) => core.localSecrets.set(p.name, p.value),
  'secrets.remove': async (core, p) => core.localSecrets.remove(p.name),
  'agents.list': async (core) => core.agents.list(),
  'agents.create': async (core, p) => core.agents.create(p),
  'agents.allow': async (core, p) => core.agents.allow(p.name, p.mappings),
  'agents.disallow': async (core, p) => core.agents.disallow(p.name, p.mappings),
  'agents.update': async (core, p) => core.agents.update(p),
  'agents.egress': async (core, p) => core.agents.egress(p),
  'agents.limit': async (core, p) => core.agents.limit(p),
  'agents.revoke': async (core, p) => core.agents.revoke(p.name),
  'approvals.list': async (core) => core.approvals.list(),
  'approvals.decide': async (core, p) => {
    const answered = core.approvals.decide(p.id, p.decision);
    return { id: answered.id, agent: answered.agent, mapping: answered.mapping, decision: p.decision };
  },
  'env.get': async (core, p) => core.agents.env(p.agent),
  'pair.serviceAccount': async (core, p) => core.vault.pairServiceAccount(p.token),
  'pair.desktop': async (core, p) => core.vault.pairDesktop(p.account),
  'pair.disconnect': async (core) => {
    await core.vault.disconnect();
    return { ok: true as const };
  },
  'picker.vaults': async (core) => core.vault.vaults(),
  'picker.items': async (core, p) => core.vault.items(p.vaultId),
  'picker.fields': async (core, p) => core.vault.fields(p.vaultId, p.itemId),
  'import.suggestions': async (core) => core.vault.importSuggestions(),
  'activity.recent': async (core, p) => core.recentActivity(p.limit ?? 100),
  'doctor.run': async (core, p) => core.doctor(p.only),
  'ca.rotate': async (core) => core.ca.rotate(),
  'gateway.restart': async (core) => core.restartGateway(),
  'ui.loginUrl': async (core) => ({ url: core.uiLoginUrl() }),
  'settings.get': async (core) => core.settings.view(),
  'settings.update': async (core, p) => core.settings.update(p),
  'settings.chooseExtraCa': async (core) => core.settings.chooseExtraCa(),
  'settings.reset': async (core) => {
    await core.reset.run();
    return { ok: true as const };
  },
  'logs.recent': async (core, p) => core.settings.recentLog(p.limit),
  'system.revealLog': async (core) => core.settings.revealLog(),
  'system.openLink': async (core, p) => core.settings.openLink(p.link),
  'onecli.status': async (core) => core.onecli.status(),
  'onecli.enable': async (core, p) => core.onecli.enable(p.listen),
  'onecli.disable': async (core) => core.onecli.disable(),
  'notices.dismiss': async (core, p) => {
    core.notices.dismiss(p.id);
    return { ok: true as const };
  },
};
