import { z } from 'zod';
import { ActivityEntry } from './gateway-messages.js';
import { BlockRule } from './agent-policy.js';
import { HeaderRule } from './header-rule.js';
import { MappingAddParams } from './mapping-api.js';
import { ONECLI_COMPAT_METHODS } from './onecli-compat-api.js';
import { AgentPolicyView, POLICY_PARAMS, PolicyDenial } from './policy-api.js';
import { Remedy } from './remedy.js';
import { VaultErrorCode } from './vault-errors.js';

/**
 * The control API: one contract, served over HTTP+SSE on 127.0.0.1 (headless) and over IPC
 * (Electron). The CLI, the UI and tests all speak it. Never carries a credential value.
 */

export const GatewayState = z.enum(['stopped', 'starting', 'running', 'restarting', 'failed']);

export const MappingView = z.object({
  /** Its name and id: `HOST` or `HOST/PREFIX`; what every other command and agent scopes use. */
  name: z.string(),
  host: z.string(),
  /** Only requests under this prefix get the credential; absent: every path. */
  path: z.string().optional(),
  /** Only these methods get it; absent: every method. */
  methods: z.array(z.string()).optional(),
  reference: z.string(),
  rule: HeaderRule,
  /** The header the gateway writes, for display ("x-api-key"). */
  header: z.string(),
  route: z.string().optional(),
  /** Requests its credential is never used for (403 `blocked_by_policy`). */
  blocks: z.array(BlockRule).optional(),
  createdAt: z.string(),
});
export type MappingView = z.infer<typeof MappingView>;

/** A 1Password item whose website is an unmapped host; a catalog host brings its service's preset (`preset`, the shape `rule`, `route`). */
export const ImportSuggestion = z.object({
  host: z.string(),
  /** The mapping's path prefix, when the catalog lists the service on one. */
  path: z.string().optional(),
  reference: z.string(),
  item: z.string(),
  vault: z.string(),
  /** The catalog entry (its id, for `mappings.add`'s `preset`) and its name. */
  preset: z.string().optional(),
  service: z.string().optional(),
  /** The shape the mapping would get, and its base-URL route. */
  rule: HeaderRule,
  route: z.string().optional(),
});
export type ImportSuggestion = z.infer<typeof ImportSuggestion>;

/** How the settings file was found at start: `set-aside` means a corrupt file was moved to `movedTo` and defaults are in use. */
export const SettingsHealth = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['ok', 'created', 'migrated']) }),
  z.object({ kind: z.literal('set-aside'), movedTo: z.string(), reason: z.string() }),
]);
export type SettingsHealth = z.infer<typeof SettingsHealth>;

export const StatusView = z.object({
  gateway: z.object({
    state: GatewayState,
    port: z.number().int(),
    pid: z.number().int().optional(),
    address: z.string().optional(),
    /** Why it is not running, in the gateway's or supervisor's words (for people; surfaces key on `errno`). */
    reason: z.string().optional(),
    /** A failed start's system error code (EADDRINUSE, EACCES): each surface words its own fix from it. */
    errno: z.string().max(32).optional(),
    output: z.array(z.string()).optional(),
  }),
  source: z.object({ kind: z.enum(['none', 'service-account', 'desktop']), detail: z.string().optional() }),
  secretStore: z.object({ kind: z.enum(['keychain', 'file', 'none']), detail: z.string() }),
  settings: z.object({ file: z.string(), health: SettingsHealth }),
  ca: z.object({ certFile: z.string(), bundleFile: z.string(), subject: z.string(), notAfter: z.string(), sha256: z.string() }).optional(),
  mappings: z.number().int(),
  agents: z.number().int(),
  controlUrl: z.string().optional(),
  /** One-time notices from the shell (notifications refused, …) the user has not dismissed. */
  notices: z.array(z.object({ id: z.string(), title: z.string(), detail: z.string(), fix: z.string(), link: z.string().optional() })).optional(),
  lastErrors: z.array(z.object({ at: z.number(), mapping: z.string().nullable(), code: z.string(), host: z.string() })),
  /** Agents refused by policy in the last minutes, latest first: the tray's badge, the popover's fixes. */
  policyDenials: z.array(PolicyDenial),
});
export type StatusView = z.infer<typeof StatusView>;

export const TestResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), header: z.string(), masked: z.string(), length: z.number().int() }),
  // invalid_value: it resolved, but cannot be sent in a header (a pasted newline, non-ASCII).
  z.object({ ok: z.literal(false), code: z.union([VaultErrorCode, z.literal('invalid_value')]), message: z.string(), remedy: Remedy.optional() }),
]);
export type TestResult = z.infer<typeof TestResult>;

const DoctorCheckBase = {
  /** Stable id, e.g. `op.installed`: scripts and the UI key on it. */
  id: z.string(),
  title: z.string(),
  detail: z.string(),
  /** A settings deep link the UI may open (macOS Full Disk Access). */
  link: z.string().optional(),
  /** What to do, named: the UI shows a button for it, the CLI a command (src/shared/remedy.ts). */
  remedy: Remedy.optional(),
};
/** A check's result. Anything but `ok` must say what to do: the type (and the wire) refuse one without a `fix`. */
export const DoctorCheck = z.discriminatedUnion('status', [
  z.object({ ...DoctorCheckBase, status: z.literal('ok'), fix: z.string().optional() }),
  z.object({ ...DoctorCheckBase, status: z.enum(['warn', 'fail', 'skip']), fix: z.string().min(1) }),
]);
export type DoctorCheck = z.infer<typeof DoctorCheck>;

const Empty = z.object({}).strict();

/** Most lines `logs.recent` returns at once. */
export const RECENT_LOG_MAX = 500;

/** One record of the launcher's log as the doctor shows it: read back from the file and redacted again. */
export const LogLine = z.object({
  /** ISO time the launcher wrote it. */
  at: z.string().max(40),
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
  /** `launcher` (the core), `gateway` or `shell`. */
  component: z.string().max(40),
  message: z.string().max(1_000),
  /** The record's other fields, flattened (`err.code`), scalars only. */
  fields: z.record(z.string().max(200), z.union([z.string().max(1_000), z.number(), z.boolean(), z.null()])),
});
export type LogLine = z.infer<typeof LogLine>;
/** What an agent may use: every mapping (those added later too), or these, by name. */
export const AgentAllowView = z.union([z.literal('all'), z.array(z.string())]);

export const AgentView = z.object({
  name: z.string(),
  createdAt: z.string(),
  lastUsed: z.number().optional(),
  /** Authority: the mappings it may use. */
  allow: AgentAllowView,
  /** Consent: `ask` holds its first use of each mapping until the user allows it. */
  policy: z.enum(['ask', 'allow']),
  /** Mappings the user allowed "always". */
  approved: z.array(z.string()),
  /** Where it may go, and how often (issue 14). */
  ...AgentPolicyView,
});
export type AgentView = z.infer<typeof AgentView>;

/**
 * A request held for the user's approval: "claude wants to use Anthropic · api.anthropic.com".
 * `id` is random; only a control-API client can answer it, never the agent.
 */
export const ApprovalView = z.object({
  id: z.string(),
  agent: z.string(),
  /** The mapping's name. */
  mapping: z.string(),
  host: z.string(),
  /** A known service's name ("Anthropic"), when the host is one. */
  service: z.string().optional(),
  requestedAt: z.number(),
  /** When the held request gives up (403 not_approved) if nobody answers. */
  expiresAt: z.number(),
});
export type ApprovalView = z.infer<typeof ApprovalView>;

/** The user's answer on a card: for this session (10 min idle, 12 h at most), always (kept), or deny. */
export const ApprovalAnswer = z.enum(['session', 'always', 'deny']);
export type ApprovalAnswer = z.infer<typeof ApprovalAnswer>;

const AgentName = z.string().min(1).max(40);
/** Mapping names (`HOST` or `HOST/PREFIX`), one or more. */
const MappingNames = z.array(z.string().min(1).max(600)).min(1).max(1000);

/** Deep links the UI may ask the shell to open: constants only, never a URL from input. */
export const SYSTEM_LINKS = {
  fullDiskAccess: 'x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles',
  /** System Settings → General → Login Items (macOS 13+; the pane id is reported, not documented by Apple). */
  loginItems: 'x-apple.systempreferences:com.apple.LoginItems-Settings.extension',
  /** System Settings → Notifications (macOS 13+; reported, not documented by Apple). */
  notifications: 'x-apple.systempreferences:com.apple.Notifications-Settings.extension',
} as const;
export type SystemLink = keyof typeof SYSTEM_LINKS;

/** The one-time notices the core knows: what happened and what to do. Shown until dismissed, once. */
export const NOTICES = {
  'notifications-failed': {
    title: 'macOS did not show a OneCLI notification',
    detail: 'OneCLI tells you in a notification when the gateway stops or a mapping keeps failing; macOS refused to show one.',
    fix: 'Allow notifications for OneCLI in System Settings → Notifications. Until then, the menu-bar icon still shows the state.',
    link: 'notifications' as SystemLink,
  },
} as const;
export type NoticeId = keyof typeof NOTICES;
export const NoticeIdSchema = z.enum(Object.keys(NOTICES) as [NoticeId, ...NoticeId[]]);

/** What macOS says about the login item (SMAppService), as `app.getLoginItemSettings().status` names it. */
export const LoginItemStatus = z.enum(['enabled', 'not-registered', 'requires-approval', 'not-found']);
export type LoginItemStatus = z.infer<typeof LoginItemStatus>;

/** Extra upstream trust as the launcher sees it now. */
export const ExtraCaView = z.object({
  /** The file chosen in Settings, if any. */
  file: z.string().optional(),
  state: z.enum(['none', 'ok', 'problem']),
  /** "2 certificates: Corp Root CA, …", or what is wrong with the file. */
  detail: z.string(),
  fix: z.string().optional(),
  /** `--extra-ca` / NODE_EXTRA_CA_CERTS of this launch, used as well. */
  launchFile: z.string().optional(),
});
export type ExtraCaView = z.infer<typeof ExtraCaView>;

export const SettingsView = z.object({
  gatewayPort: z.number().int(),
  /** Set when `--port` overrides the saved port for this run. */
  portOverride: z.number().int().optional(),
  onboarded: z.boolean(),
  launchAtLogin: z.boolean(),
  /** The system's word on the login item (macOS): `requires-approval` means the user must allow it in System Settings. */
  launchAtLoginStatus: LoginItemStatus.optional(),
  checkForUpdates: z.boolean(),
  dataDir: z.string(),
  extraCa: ExtraCaView,
  /** The launcher's log file (older ones rotate beside it). */
  logFile: z.string().optional(),
  /** What this shell can do: the headless UI hides what only the app can. */
  capabilities: z.object({
    launchAtLogin: z.boolean(),
    updates: z.boolean(),
    openLinks: z.boolean(),
    /** A native file dialog (the app); headless, the UI takes a typed path. */
    chooseFiles: z.boolean(),
    /** Reveal a file in Finder (the app); headless, the UI shows the path. */
    revealFiles: z.boolean(),
    platform: z.string(),
  }),
});
export type SettingsView = z.infer<typeof SettingsView>;
/** A mapping by its name, `HOST` or `HOST/PREFIX` (the field keeps its v2 name: a plain host is a name). */
const Host = z.object({ host: z.string().min(1).max(800) });

/**
 * Every method: its params and its result. A new method won't compile without both (and a
 * handler in src/core/control/control-handlers.ts). `cliOnly: true` keeps it from the popover
 * and from browser sessions: every transport refuses it for them (src/core/control/invoke.ts).
 */
export const CONTROL_METHODS = {
  'status.get': { params: Empty, result: StatusView },
  'mappings.list': { params: Empty, result: z.array(MappingView) },
  'mappings.add': { params: MappingAddParams, result: MappingView },
  'mappings.remove': { params: Host, result: z.object({ removed: z.boolean() }) },
  'mappings.test': { params: Host, result: TestResult },
  /** Block rules of a mapping: requests its credential is never used for, whichever agent asks. */
  'mappings.block': { params: POLICY_PARAMS.block, result: MappingView },
  'secrets.set': {
    params: z.object({ name: z.string().min(1).max(64), value: z.string().min(1).max(65_536) }),
    result: z.object({ reference: z.string(), kept: z.enum(['keychain', 'file', 'memory', 'none']) }),
  },
  'secrets.remove': { params: z.object({ name: z.string().min(1).max(64) }), result: z.object({ removed: z.boolean() }) },
  'agents.list': { params: Empty, result: z.array(AgentView) },
  /** The token is returned once, at creation; it is never listed again. No `allow`: every mapping; no `policy`: `allow`. */
  'agents.create': {
    params: z.object({
      name: AgentName,
      allow: MappingNames.optional(),
      policy: z.enum(['ask', 'allow']).optional(),
      /** `allowlist`: it reaches only its mappings until hosts are added (agents.egress). */
      egress: z.enum(['open', 'allowlist']).optional(),
    }),
    result: z.object({ name: z.string(), token: z.string() }),
  },
  /** Adds mappings to an agent's scope (an agent with `all` keeps `all`). */
  'agents.allow': { params: z.object({ name: AgentName, mappings: MappingNames }).strict(), result: AgentView },
  /** Takes mappings out of an agent's scope; an agent with `all` gets every other current mapping. */
  'agents.disallow': { params: z.object({ name: AgentName, mappings: MappingNames }).strict(), result: AgentView },
  /** Sets scope, policy and the "always" list at once (the agents screen); each field optional. */
  'agents.update': {
    params: z
      .object({
        name: AgentName,
        allow: z.union([z.literal('all'), z.array(z.string().min(1).max(600)).max(1000)]).optional(),
        policy: z.enum(['ask', 'allow']).optional(),
        approved: z.array(z.string().min(1).max(600)).max(1000).optional(),
      })
      .strict(),
    result: AgentView,
  },
  /** Egress mode and list (issue 14): a mode, hosts to add or remove, presets to add. */
  'agents.egress': { params: POLICY_PARAMS.egress, result: AgentView },
  /** Sets or takes off a rate limit, for all of its traffic or one mapping. */
  'agents.limit': { params: POLICY_PARAMS.limit, result: AgentView },
  /** Requests held for the user's approval, oldest first. */
  'approvals.list': { params: Empty, result: z.array(ApprovalView) },
  /** Answers one: `always` is kept in the agent's settings; `deny` gets 403 denied. */
  'approvals.decide': {
    params: z.object({ id: z.string().min(1).max(40), decision: ApprovalAnswer }).strict(),
    result: z.object({ id: z.string(), agent: z.string(), mapping: z.string(), decision: ApprovalAnswer }),
  },
  'agents.revoke': { params: z.object({ name: z.string().min(1).max(40) }), result: z.object({ revoked: z.boolean() }) },
  /** Shell variables for an agent: both doors, the CA variables, phantom keys. */
  'env.get': { params: z.object({ agent: z.string().optional() }), result: z.object({ agent: z.string(), vars: z.record(z.string(), z.string()) }) },
  'pair.serviceAccount': { params: z.object({ token: z.string().min(1).max(10_000) }), result: z.object({ vaults: z.number().int() }) },
  'pair.desktop': { params: z.object({ account: z.string().optional() }), result: z.object({ vaults: z.number().int(), op: z.string() }) },
  'pair.disconnect': { params: Empty, result: z.object({ ok: z.literal(true) }) },
  'picker.vaults': { params: Empty, result: z.array(z.object({ id: z.string(), name: z.string() })) },
  'picker.items': {
    params: z.object({ vaultId: z.string().min(1) }),
    result: z.array(z.object({ id: z.string(), title: z.string(), category: z.string(), urls: z.array(z.string()) })),
  },
  'picker.fields': {
    params: z.object({ vaultId: z.string().min(1), itemId: z.string().min(1) }),
    result: z.array(z.object({ id: z.string(), label: z.string(), type: z.string(), section: z.string().optional(), reference: z.string() })),
  },
  'import.suggestions': { params: Empty, result: z.array(ImportSuggestion) },
  'activity.recent': { params: z.object({ limit: z.number().int().min(1).max(1000).optional() }), result: z.array(ActivityEntry) },
  /** Every check, or only those whose id starts with one of `only` (the real-client CA probe is slow). */
  'doctor.run': { params: z.object({ only: z.array(z.string().max(64)).max(32).optional() }).strict(), result: z.array(DoctorCheck) },
  'ca.rotate': { params: Empty, result: z.object({ sha256: z.string() }) },
  'gateway.restart': { params: Empty, result: z.object({ state: GatewayState }) },
  'settings.get': { params: Empty, result: SettingsView },
  /** A new port applies at the next gateway restart, which this call does. */
  'settings.update': {
    params: z
      .object({
        gatewayPort: z.number().int().min(1024).max(65_535).optional(),
        launchAtLogin: z.boolean().optional(),
        checkForUpdates: z.boolean().optional(),
        onboarded: z.boolean().optional(),
        /** An absolute path to a PEM file of CA certificates (checked before it is kept), or null to stop using one. Restarts the gateway. */
        extraCaFile: z.union([z.string().min(1).max(1024), z.null()]).optional(),
      })
      .strict(),
    result: SettingsView,
  },
  /** The app's file dialog for the extra CA; the chosen file is checked and kept like settings.update's extraCaFile. */
  'settings.chooseExtraCa': { params: Empty, result: z.object({ chosen: z.boolean(), settings: SettingsView }) },
  /** The last `limit` records of the launcher's log (gateway lines included), oldest first, redacted; none without a log file. */
  'logs.recent': {
    params: z.object({ limit: z.number().int().min(1).max(RECENT_LOG_MAX).optional() }).strict(),
    result: z.object({ file: z.string().optional(), lines: z.array(LogLine).max(RECENT_LOG_MAX) }),
  },
  /** Shows the log file in Finder (the app only). */
  'system.revealLog': { params: Empty, result: z.object({ revealed: z.boolean(), file: z.string().optional() }) },
  /** A one-time notice the user has read: it is not shown again. */
  'notices.dismiss': { params: z.object({ id: NoticeIdSchema }).strict(), result: z.object({ ok: z.literal(true) }) },
  /** Forget mappings, agents and the 1Password connection (keychain entries included). */
  'settings.reset': { params: z.object({ confirm: z.literal('reset') }), result: z.object({ ok: z.literal(true) }) },
  /** "Test a request": a real request through the gateway; shows the injected header's name, never its value. */
  'mappings.probe': {
    params: Host,
    result: z.object({ status: z.number().int(), header: z.string(), ms: z.number(), error: z.string().optional(), message: z.string().optional() }),
  },
  'system.openLink': {
    params: z.object({ link: z.enum(Object.keys(SYSTEM_LINKS) as [keyof typeof SYSTEM_LINKS]) }),
    result: z.object({ opened: z.boolean() }),
  },
  /** A one-time sign-in link for the headless UI (CLI only: a browser session cannot mint more). */
  'ui.loginUrl': { params: Empty, result: z.object({ url: z.string() }), cliOnly: true },
  /** Upstream OneCLI's 1Password API served by this app (issue 15): src/shared/onecli-compat-api.ts. */
  ...ONECLI_COMPAT_METHODS,
} as const;

export type ControlMethod = keyof typeof CONTROL_METHODS;
export type ControlParams<M extends ControlMethod> = z.input<(typeof CONTROL_METHODS)[M]['params']>;
export type ControlResult<M extends ControlMethod> = z.infer<(typeof CONTROL_METHODS)[M]['result']>;

/** True for methods only the CLI may call (marked `cliOnly` above: the one list of them). */
export function isCliOnly(method: ControlMethod): boolean {
  return 'cliOnly' in CONTROL_METHODS[method];
}

export const ControlMethodName = z.enum(Object.keys(CONTROL_METHODS) as [ControlMethod, ...ControlMethod[]]);

/** The error every transport returns: a stable code and what to do. */
export const ControlErrorCode = z.enum([...VaultErrorCode.options, 'invalid_params', 'unknown_method', 'conflict', 'no_keychain', 'unauthorized', 'internal']);
export type ControlErrorCode = z.infer<typeof ControlErrorCode>;
/** A failed call on the wire: the code, a sentence, and the remedy when there is one to offer. */
export const ControlFailure = z.object({ code: ControlErrorCode, message: z.string(), remedy: Remedy.optional() });
export type ControlFailure = z.infer<typeof ControlFailure>;
export const ControlErrorBody = z.object({ error: ControlFailure });

/** Live events: SSE in headless mode, IPC in Electron. */
export const ControlEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: StatusView }),
  z.object({ type: z.literal('activity'), entries: z.array(ActivityEntry) }),
  z.object({ type: z.literal('doctor'), checks: z.array(DoctorCheck) }),
  /** The requests waiting for approval, whenever one is added or answered (the card, the notification). */
  z.object({ type: z.literal('approvals'), pending: z.array(ApprovalView) }),
]);
export type ControlEvent = z.infer<typeof ControlEvent>;

/** What both transports implement, and what the renderer and CLI are written against. */
export interface ControlTransport {
  call<M extends ControlMethod>(method: M, params: ControlParams<M>): Promise<ControlResult<M>>;
  subscribe(onEvent: (event: ControlEvent) => void): () => void;
}
