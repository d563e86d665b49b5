import { CONTROL_METHODS, SYSTEM_LINKS, type ControlMethod, type ControlResult } from '../../shared/control-api.js';
import { credentialValueProblem } from '../../shared/credential-value.js';
import { ruleHeaderName } from '../../shared/header-rule.js';
import { probeThroughGateway } from '../mappings/probe.js';
import { agentEnv } from '../agents/agent-env.js';
import { DEFAULT_AGENT } from '../agents/agent-registry.js';
import { ControlError } from '../control-error.js';
import type { LauncherCore } from '../launcher-core.js';
import { importSuggestions } from '../mappings/import-suggestions.js';
import { MappingInputError, buildMapping, mappingKey, maskValue } from '../mappings/mapping-rules.js';
import { localSecretName, SERVICE_ACCOUNT_TOKEN } from '../secrets/secret-names.js';
import { VaultError } from '../vault/vault-error.js';
import { LOCAL_SECRET_NAME } from '../../shared/secret-reference.js';
import { describeCa } from '../ca/local-ca.js';
import { readExtraCa } from '../upstream-trust.js';

type Params<M extends ControlMethod> = import('zod').infer<(typeof CONTROL_METHODS)[M]['params']>;
type Handlers = { [M in ControlMethod]: (core: LauncherCore, params: Params<M>) => Promise<ControlResult<M>> };

const nowIso = (core: LauncherCore) => (core.deps.now?.() ?? new Date()).toISOString();

function view(m: import('../../shared/settings.js').Mapping) {
  return { ...m, header: ruleHeaderName(m.rule) };
}

/** Vault errors become control errors with the same code and the fix as the message. */
async function vault<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof VaultError) throw new ControlError(err.code, err.fix);
    throw err;
  }
}

/** Every control-API method, once. Transports (HTTP, IPC) parse params with the shared schema, then call these. */
export const CONTROL_HANDLERS: Handlers = {
  'status.get': async (core) => core.status(),
  'mappings.list': async (core) => core.deps.settings.get().mappings.map(view),
  'mappings.add': async (core, p) => {
    let mapping;
    try {
      mapping = buildMapping(p, core.deps.now?.() ?? new Date());
    } catch (err) {
      if (err instanceof MappingInputError) throw new ControlError('invalid_params', err.message);
      throw err;
    }
    const exists = core.deps.settings.get().mappings.some((m) => m.host === mapping.host);
    if (exists && !p.replace) throw new ControlError('conflict', `${mapping.host} is already mapped; remove it first or pass --replace.`);
    core.deps.settings.update((s) => ({ ...s, mappings: [...s.mappings.filter((m) => m.host !== mapping.host), mapping] }));
    await core.syncGateway([mapping.host]);
    return view(mapping);
  },
  'mappings.remove': async (core, p) => {
    const key = safeKey(p.host);
    const before = core.deps.settings.get().mappings.length;
    core.deps.settings.update((s) => ({ ...s, mappings: s.mappings.filter((m) => m.host !== key) }));
    const removed = core.deps.settings.get().mappings.length < before;
    if (removed) await core.syncGateway([key]);
    return { removed };
  },
  'mappings.test': async (core, p) => {
    const key = safeKey(p.host);
    const mapping = core.deps.settings.get().mappings.find((m) => m.host === key);
    if (!mapping) throw new ControlError('not_found', `${key} is not mapped; see onecli-launcher mappings list.`);
    const result = await core.resolve(key);
    if (!result.ok) return result;
    const problem = credentialValueProblem(result.value);
    if (problem)
      return {
        ok: false,
        code: 'invalid_value',
        message: `${key} resolves, but ${problem}, so the gateway will not send it (502 invalid_value). Fix the stored value: the key alone, on one line.`,
      };
    return { ok: true, header: ruleHeaderName(mapping.rule), masked: maskValue(result.value), length: result.value.length };
  },
  'secrets.set': async (core, p) => {
    if (!LOCAL_SECRET_NAME.test(p.name))
      throw new ControlError('invalid_params', 'Secret names are lower-case letters, digits, ".", "_" and "-", such as my-key.');
    const problem = credentialValueProblem(p.value);
    if (problem)
      throw new ControlError('invalid_params', `Not saved: ${problem}, and a credential is sent in an HTTP header as it is. Paste the key alone, on one line.`);
    await core.deps.secrets.set(localSecretName(p.name), p.value);
    const reference = `local://${p.name}`;
    const users = core.deps.settings
      .get()
      .mappings.filter((m) => m.reference === reference)
      .map((m) => m.host);
    if (users.length) await core.syncGateway(users);
    return { reference, kept: core.deps.secrets.kind };
  },
  'secrets.remove': async (core, p) => ({ removed: LOCAL_SECRET_NAME.test(p.name) && (await core.deps.secrets.delete(localSecretName(p.name))) }),
  'agents.list': async (core) => {
    const lastUsed = new Map<string, number>();
    for (const e of core.recentActivity(500)) if (e.agent) lastUsed.set(e.agent, e.at);
    return core.agents.list().map((a) => ({ ...a, ...(lastUsed.has(a.name) ? { lastUsed: lastUsed.get(a.name) } : {}) }));
  },
  'agents.create': async (core, p) => {
    const created = await core.agents.create(p.name);
    await core.syncGateway();
    return created;
  },
  'agents.revoke': async (core, p) => {
    const revoked = await core.agents.revoke(p.name);
    await core.syncGateway();
    return { revoked };
  },
  'env.get': async (core, p) => {
    if (!p.agent) await core.agents.ensureDefault();
    const agent = p.agent ?? core.agents.list()[0]?.name ?? DEFAULT_AGENT;
    const token = await core.agents.token(agent);
    if (!token) throw new ControlError('not_found', `No agent named "${agent}": create one with onecli-launcher agents create ${agent}`);
    const ca = await core.ensureCa();
    return {
      agent,
      vars: agentEnv({ port: core.agentPort, token, caFile: ca.certFile, bundleFile: ca.bundleFile, mappings: core.deps.settings.get().mappings }),
    };
  },
  'pair.serviceAccount': async (core, p) => {
    const token = p.token.trim();
    // Validate before keeping anything: a token that cannot list vaults is not worth storing.
    const vaults = await vault(() => core.deps.sources.serviceAccount(token).listVaults());
    await core.deps.secrets.set(SERVICE_ACCOUNT_TOKEN, token);
    core.deps.settings.update((s) => ({ ...s, source: { kind: 'service-account', pairedAt: nowIso(core) } }));
    await core.syncGateway(core.deps.settings.get().mappings.map((m) => m.host));
    return { vaults: vaults.length };
  },
  'pair.desktop': async (core, p) => {
    const vaults = await vault(() => core.deps.sources.desktop(p.account).listVaults());
    core.deps.settings.update((s) => ({ ...s, source: { kind: 'desktop', ...(p.account ? { account: p.account } : {}), pairedAt: nowIso(core) } }));
    await core.syncGateway(core.deps.settings.get().mappings.map((m) => m.host));
    return { vaults: vaults.length, op: 'op' };
  },
  'pair.disconnect': async (core) => {
    await core.deps.secrets.delete(SERVICE_ACCOUNT_TOKEN);
    core.deps.settings.update((s) => ({ ...s, source: { kind: 'none' } }));
    await core.syncGateway(core.deps.settings.get().mappings.map((m) => m.host));
    return { ok: true as const };
  },
  'picker.vaults': async (core) => vault(async () => (await core.vaultSource()).listVaults()),
  'picker.items': async (core, p) => vault(async () => (await (await core.vaultSource()).listItems(p.vaultId)).map((i) => ({ ...i, urls: [...i.urls] }))),
  'picker.fields': async (core, p) =>
    vault(async () =>
      (await (await core.vaultSource()).listFields(p.vaultId, p.itemId)).map(({ section, ...f }) => ({ ...f, ...(section ? { section } : {}) })),
    ),
  'import.suggestions': async (core) =>
    vault(async () => importSuggestions(await core.vaultSource(), new Set(core.deps.settings.get().mappings.map((m) => m.host)))),
  'activity.recent': async (core, p) => core.recentActivity(p.limit ?? 100),
  'doctor.run': async (core, p) => core.doctor(p.only),
  'ca.rotate': async (core) => {
    const ca = await core.loadCa(true);
    await core.supervisor.restart().catch(() => undefined);
    return { sha256: describeCa(ca.ca.certPem).sha256 };
  },
  'ui.loginUrl': async (core) => ({ url: core.uiLoginUrl() }),
  'settings.get': async (core) => settingsView(core),
  'settings.update': async (core, p) => {
    const before = core.deps.settings.get();
    // Checked before anything is kept: a file that is not PEM certificates is refused with the fix.
    const extraCaFile = p.extraCaFile === undefined ? before.upstream.extraCaFile : p.extraCaFile === null ? undefined : checkedExtraCa(p.extraCaFile);
    core.deps.settings.update((s) => ({
      ...s,
      gateway: { port: p.gatewayPort ?? s.gateway.port },
      upstream: extraCaFile ? { extraCaFile } : {},
      preferences: {
        ...s.preferences,
        launchAtLogin: p.launchAtLogin ?? s.preferences.launchAtLogin,
        checkForUpdates: p.checkForUpdates ?? s.preferences.checkForUpdates,
        onboarded: p.onboarded ?? s.preferences.onboarded,
      },
    }));
    if (p.launchAtLogin !== undefined) core.deps.shell?.launchAtLogin?.set(p.launchAtLogin);
    if (p.checkForUpdates !== undefined) core.deps.shell?.onUpdatesPreference?.(p.checkForUpdates);
    const portChanged = p.gatewayPort !== undefined && p.gatewayPort !== before.gateway.port && core.deps.port === undefined;
    // The gateway gets its trust in its configuration, so a chosen CA (new, or the same file renewed) takes a restart.
    const trustChanged = p.extraCaFile !== undefined && (extraCaFile !== undefined || before.upstream.extraCaFile !== undefined);
    if (portChanged || trustChanged) await core.supervisor.restart().catch(() => undefined);
    return settingsView(core);
  },
  'settings.chooseExtraCa': async (core) => {
    const choose = core.deps.shell?.chooseFile;
    // 409, not 503: nothing is down, this surface (a browser) has no file dialog.
    if (!choose) throw new ControlError('conflict', 'This window cannot open a file dialog: type the path of the PEM file instead.');
    const file = await choose({ title: 'Choose the PEM file of your CA', extensions: ['pem', 'crt', 'cer'] });
    if (!file) return { chosen: false, settings: settingsView(core) };
    return { chosen: true, settings: await CONTROL_HANDLERS['settings.update'](core, { extraCaFile: file }) };
  },
  'system.revealLog': async (core) => {
    const file = core.deps.logFile;
    if (!file || !core.deps.shell?.revealFile) return { revealed: false, ...(file ? { file } : {}) };
    core.deps.shell.revealFile(file);
    return { revealed: true, file };
  },
  'notices.dismiss': async (core, p) => {
    core.dismissNotice(p.id);
    return { ok: true as const };
  },
  'settings.reset': async (core) => {
    const settings = core.deps.settings.get();
    const locals = settings.mappings
      .map((m) => /^local:\/\/(.+)$/.exec(m.reference)?.[1])
      .filter((n): n is string => n !== undefined && LOCAL_SECRET_NAME.test(n));
    for (const agent of settings.agents) await core.agents.revoke(agent.name);
    for (const name of locals) await core.deps.secrets.delete(localSecretName(name));
    await core.deps.secrets.delete(SERVICE_ACCOUNT_TOKEN);
    core.deps.settings.update((s) => ({ ...s, source: { kind: 'none' }, mappings: [], agents: [], preferences: { ...s.preferences, onboarded: false } }));
    await core.agents.ensureDefault();
    await core.syncGateway();
    return { ok: true as const };
  },
  'mappings.probe': async (core, p) => {
    const key = safeKey(p.host);
    const mapping = core.deps.settings.get().mappings.find((m) => m.host === key);
    if (!mapping) throw new ControlError('not_found', `${key} is not mapped.`);
    const { host, port } = mappingKey(key);
    if (host.startsWith('*.'))
      throw new ControlError('invalid_params', 'A wildcard mapping has no single host to test; test one of its hosts with curl through the gateway.');
    if (core.supervisor.status.state !== 'running') throw new ControlError('unavailable', 'The gateway is not running; start it first.');
    await core.agents.ensureDefault();
    const agent = core.agents.list()[0]!.name;
    const token = (await core.agents.token(agent)) ?? '';
    const ca = await core.ensureCa();
    const outcome = await probeThroughGateway({ gatewayPort: core.agentPort, agentToken: token, host, port, caPem: ca.ca.certPem });
    return { ...outcome, header: ruleHeaderName(mapping.rule) };
  },
  'system.openLink': async (core, p) => {
    if (!core.deps.shell?.openExternal) return { opened: false };
    await core.deps.shell.openExternal(SYSTEM_LINKS[p.link]);
    return { opened: true };
  },
  'gateway.restart': async (core) => {
    await core.supervisor.restart().catch(() => undefined);
    return { state: core.supervisor.status.state };
  },
};

function settingsView(core: LauncherCore): ControlResult<'settings.get'> {
  const s = core.deps.settings.get();
  const shell = core.deps.shell;
  // The system's answer, not our setting: users can remove or refuse the item in System Settings.
  const login = shell?.launchAtLogin?.get();
  return {
    gatewayPort: s.gateway.port,
    ...(core.deps.port !== undefined ? { portOverride: core.deps.port } : {}),
    onboarded: s.preferences.onboarded,
    launchAtLogin: login?.enabled ?? s.preferences.launchAtLogin,
    ...(login?.status ? { launchAtLoginStatus: login.status } : {}),
    checkForUpdates: s.preferences.checkForUpdates,
    dataDir: core.deps.dataDir,
    extraCa: core.extraCaView(),
    ...(core.deps.logFile ? { logFile: core.deps.logFile } : {}),
    capabilities: {
      launchAtLogin: Boolean(shell?.launchAtLogin),
      updates: Boolean(shell?.updates),
      openLinks: Boolean(shell?.openExternal),
      chooseFiles: Boolean(shell?.chooseFile),
      revealFiles: Boolean(shell?.revealFile && core.deps.logFile),
      platform: shell?.platform ?? process.platform,
    },
  };
}

/** A path from the UI for the extra CA: absolute, readable, PEM certificates only; else invalid_params with the fix. */
function checkedExtraCa(file: string): string {
  const read = readExtraCa(file);
  if (!read.ok) throw new ControlError('invalid_params', `${read.problem} ${read.fix}`);
  return read.file;
}

function safeKey(host: string): string {
  try {
    return mappingKey(host).key;
  } catch (err) {
    if (err instanceof MappingInputError) throw new ControlError('invalid_params', err.message);
    throw err;
  }
}
