import type { VaultErrorCode } from '../../shared/vault-errors.js';
import { VaultError } from './vault-error.js';
import type { Remedy } from '../../shared/remedy.js';

/** What we know about one failed `op` run. Built by the runner from Node's execFile error. */
export interface OpFailure {
  /** Node's spawn error code (ENOENT, EACCES, …) when no `op` process ran at all. */
  readonly spawnErrorCode?: string | undefined;
  /** Our timeout fired and we killed `op`. */
  readonly timedOut?: boolean | undefined;
  /** `op` printed more than we accept, and we killed it. */
  readonly outputTooLarge?: boolean | undefined;
  readonly exitCode?: number | null | undefined;
  /** A signal we did not send, e.g. SIGSEGV. */
  readonly signal?: string | null | undefined;
  readonly stderr: string;
  readonly opPath?: string | undefined;
  readonly timeoutMs?: number | undefined;
  /** How long the run took, for the log line. */
  readonly elapsedMs?: number | undefined;
}

export type OpFailureKind =
  | 'op_not_installed'
  | 'op_not_runnable'
  | 'timeout'
  | 'output_too_large'
  | 'auth_denied'
  | 'desktop_connection_reset'
  | 'desktop_unreachable'
  | 'not_signed_in'
  | 'account_not_found'
  | 'account_ambiguous'
  | 'bad_token'
  | 'permission_denied'
  | 'rate_limited'
  | 'vault_not_found'
  | 'item_ambiguous'
  | 'item_not_found'
  | 'field_not_found'
  | 'bad_ref'
  | 'network'
  | 'crash'
  | 'unknown';

type StderrKind = Exclude<OpFailureKind, 'op_not_installed' | 'op_not_runnable' | 'timeout' | 'output_too_large' | 'crash' | 'unknown'>;

/**
 * The one table that decides what `op`'s stderr means: the first row with a matching
 * (case-insensitive) substring wins. These texts are observed in the wild, not promised by
 * 1Password (op-cli.md §2 and §6), so when `op` changes its wording, this table is the one
 * place to change. Rows follow the order of op-cli.md §6, with three additions marked (+);
 * §6's locked and not-signed-in rows are split in two where the user's fix differs.
 */
export const OP_STDERR_RULES: readonly { readonly kind: StderrKind; readonly substrings: readonly string[] }[] = [
  { kind: 'auth_denied', substrings: ['authorization prompt dismissed', 'authorization timeout'] },
  // Linux: the app resets the socket when `op` lacks the onepassword-cli group (seed 000).
  { kind: 'desktop_connection_reset', substrings: ['connecting to desktop app: read: connection reset'] },
  { kind: 'desktop_unreachable', substrings: ['connecting to desktop app'] },
  // (+) 'not currently signed in': §2's older wording, which 'not signed in' does not match.
  { kind: 'not_signed_in', substrings: ['not signed in', 'not currently signed in', 'no accounts configured'] },
  { kind: 'account_not_found', substrings: ['no account found', 'found no accounts'] },
  { kind: 'account_ambiguous', substrings: ['multiple accounts found'] }, // (+) §2 lists it, §6's table does not
  { kind: 'bad_token', substrings: ['decodesacredentials', 'service account token'] },
  // (+) §2: a service account without access to the vault.
  { kind: 'permission_denied', substrings: ['(403) forbidden', 'do not have permission', '(401) unauthorized'] },
  { kind: 'rate_limited', substrings: ['too many requests', 'rate-limited', 'rate limit'] },
  { kind: 'vault_not_found', substrings: ["isn't a vault"] },
  { kind: 'item_ambiguous', substrings: ['more than one item matches'] },
  { kind: 'item_not_found', substrings: ["isn't an item"] },
  { kind: 'field_not_found', substrings: ['does not have a field'] },
  { kind: 'bad_ref', substrings: ['invalid secret reference'] },
  { kind: 'network', substrings: ['dial tcp', 'no such host', 'connection refused', 'i/o timeout'] },
];

// Names the user chose (vault, item, field, the reference itself) appear inside op's messages.
// They are blanked before matching, so an item called "Rate limit" or a vault called
// "dial tcp" cannot steer the classification.
const USER_TEXT: readonly [RegExp, string][] = [
  [/'op:\/\/[^'\n]*'/g, "'<ref>'"],
  [/"[^"\n]*"/g, '"<name>"'],
  [/\b(item|field) '[^'\n]*'/g, "$1 '<name>'"],
  [/could not get item [^:\n]*:/g, 'could not get item <name>:'],
];

const ERROR_PREFIX = /^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;
const SETTING = 'Settings › Developer › "Integrate with 1Password CLI"';

/** Each failure's code, its sentence (surface-neutral: no command, no flag), and the remedy each surface words itself. */
const OUTCOMES: { readonly [K in OpFailureKind]: { code: VaultErrorCode; fix: (f: OpFailure) => string; remedy?: Remedy } } = {
  op_not_installed: {
    code: 'unavailable',
    fix: (f) => `Install the 1Password CLI (op) from https://developer.1password.com/docs/cli/get-started/${f.opPath ? ` (looked for ${f.opPath})` : ''}.`,
    remedy: 'choose-op',
  },
  op_not_runnable: {
    code: 'unavailable',
    fix: (f) =>
      `The 1Password CLI${f.opPath ? ` at ${f.opPath}` : ''} could not be started (${f.spawnErrorCode ?? 'spawn error'}); make sure it is executable, or reinstall it.`,
  },
  timeout: {
    code: 'unavailable',
    fix: (f) =>
      `The 1Password CLI did not answer within ${Math.ceil((f.timeoutMs ?? 0) / 1000)} s; unlock the 1Password app and approve its prompt if one is waiting, then retry.`,
  },
  output_too_large: {
    code: 'unavailable',
    fix: () => 'The 1Password CLI printed far more output than expected, so it was stopped; the doctor shows which op is used.',
    remedy: 'open-doctor',
  },
  auth_denied: { code: 'auth_required', fix: () => 'Unlock the 1Password app and approve its authorization prompt, then retry.' },
  desktop_connection_reset: {
    code: 'auth_required',
    fix: () =>
      `Open and unlock the 1Password app and turn on ${SETTING}. If it still fails, check that op is owned by the group onepassword-cli with the setgid bit (ls -l "$(command -v op)"), or add yourself to the onepassword group and log in again.`,
  },
  desktop_unreachable: {
    code: 'auth_required',
    fix: () => `Open and unlock the 1Password app (update it if it is old) and turn on ${SETTING}, then retry.`,
  },
  not_signed_in: {
    code: 'auth_required',
    fix: () => `Sign in to 1Password: add your account in the 1Password app and turn on ${SETTING}.`,
  },
  account_not_found: {
    code: 'auth_required',
    fix: () => 'No signed-in 1Password account matches the account chosen (OP_ACCOUNT or --account); choose one that is signed in.',
  },
  account_ambiguous: { code: 'auth_required', fix: () => 'Several 1Password accounts are signed in; choose one in the settings (OP_ACCOUNT).' },
  bad_token: { code: 'auth_required', fix: () => 'The service-account token was rejected; create a new token in 1Password and paste it again.' },
  permission_denied: {
    code: 'auth_required',
    fix: () => 'This 1Password account may not read that vault; grant it access in 1Password, or pick another vault.',
  },
  rate_limited: { code: 'rate_limited', fix: () => '1Password is limiting requests for now; wait a few minutes, then retry.' },
  vault_not_found: { code: 'not_found', fix: () => 'No vault of that name or ID is visible to this 1Password account; pick the vault again from the list.' },
  item_ambiguous: { code: 'not_found', fix: () => 'More than one item has that title; use the item ID instead of its title in the reference.' },
  item_not_found: { code: 'not_found', fix: () => 'The vault has no item of that name or ID; pick the item again from the list.' },
  field_not_found: { code: 'not_found', fix: () => 'The item has no field of that name; pick the field again from the item.' },
  bad_ref: {
    code: 'bad_reference',
    fix: () =>
      'Use a reference of the form op://vault/item/[section/]field; use IDs for names with characters other than letters, digits, spaces, "-", "_" and ".".',
  },
  network: { code: 'unavailable', fix: () => '1Password could not be reached; check the network connection, then retry.' },
  crash: {
    code: 'unavailable',
    fix: () => 'The 1Password CLI stopped unexpectedly; update it to the latest version, then retry. The doctor shows which op is used.',
    remedy: 'open-doctor',
  },
  unknown: {
    code: 'unavailable',
    fix: () =>
      'The 1Password CLI failed for a reason OneCLI does not recognise; run the same op command in a terminal to see why. The doctor shows which op is used.',
    remedy: 'open-doctor',
  },
};

/** The cause attached to every classified failure: the kind, plus one redacted line for logs. */
export class OpFailureCause extends Error {
  constructor(
    readonly kind: OpFailureKind,
    detail: string,
  ) {
    super(detail);
    this.name = 'OpFailureCause';
  }
}

/** The line `op` put its reason on: the first `[ERROR]` line, else the first non-empty one. */
function reasonLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const line = lines.find((l) => ERROR_PREFIX.test(l)) ?? lines[0] ?? '';
  return line.replace(ERROR_PREFIX, '');
}

function stderrKind(reason: string): StderrKind | undefined {
  const text = USER_TEXT.reduce((t, [pattern, blank]) => t.replace(pattern, blank), reason).toLowerCase();
  return OP_STDERR_RULES.find((rule) => rule.substrings.some((s) => text.includes(s)))?.kind;
}

/** Which kind of failure this was; pure, and the order of the checks matters. */
export function opFailureKind(failure: OpFailure): OpFailureKind {
  if (failure.spawnErrorCode === 'ENOENT') return 'op_not_installed';
  if (failure.spawnErrorCode) return 'op_not_runnable';
  if (failure.timedOut) return 'timeout';
  if (failure.outputTooLarge) return 'output_too_large';
  const kind = stderrKind(reasonLine(failure.stderr));
  if (kind) return kind;
  // `op` reports every failure it understands with exit 1; anything else is a panic or a signal.
  if (failure.signal || (typeof failure.exitCode === 'number' && failure.exitCode !== 1)) return 'crash';
  return 'unknown';
}

// Never let a service-account token reach a log line, even if `op` ever echoed one.
const TOKEN = /ops_[A-Za-z0-9+/=_.-]+/g;
const MAX_DETAIL_CHARS = 300;

function describe(kind: OpFailureKind, failure: OpFailure): string {
  const status = failure.signal ? `signal ${failure.signal}` : `exit ${failure.exitCode ?? '?'}`;
  const reason = reasonLine(failure.stderr).replace(TOKEN, 'ops_[redacted]').slice(0, MAX_DETAIL_CHARS);
  if (kind === 'op_not_installed' || kind === 'op_not_runnable') return `op could not be started: ${failure.spawnErrorCode}`;
  if (kind === 'timeout') return `op was killed after ${failure.elapsedMs ?? '?'} ms (timeout ${failure.timeoutMs ?? '?'} ms)`;
  return `op failed (${kind}, ${status})${reason ? `: ${reason}` : ''}`;
}

/**
 * Maps one failed `op` run to a VaultError: a shared code and a fix sentence. The fix never
 * carries `op`'s output (which may name the reference but must never reach a client raw);
 * the first reason line, redacted and cut short, goes to the cause for logs.
 */
export function classifyOpFailure(failure: OpFailure): VaultError {
  const kind = opFailureKind(failure);
  const outcome = OUTCOMES[kind];
  return new VaultError(outcome.code, outcome.fix(failure), { cause: new OpFailureCause(kind, describe(kind, failure)), remedy: outcome.remedy });
}
