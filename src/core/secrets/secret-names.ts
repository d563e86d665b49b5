import { LOCAL_SECRET_NAME } from '../../shared/secret-reference.js';
import { SecretStoreError } from './secret-store-error.js';

/**
 * Every keychain entry the launcher keeps, in one place. The name is the keychain account
 * under the service `APP_ID`; renaming one orphans what users already stored.
 */
export const SERVICE_ACCOUNT_TOKEN = 'service-account-token';
/** The local CA's private key (PEM). */
export const CA_KEY = 'ca-key';
/** The bearer token the CLI presents to the headless control API. */
export const CONTROL_TOKEN = 'control-token';
/** The secret upstream OneCLI's gateway presents to the OneCLI door as `X-Gateway-Secret` (issue 15). */
export const ONECLI_COMPAT_SECRET = 'onecli-compat-secret';
const AGENT_TOKEN_PREFIX = 'agent-token:';
const LOCAL_PREFIX = 'local:';

export type SecretName =
  | typeof SERVICE_ACCOUNT_TOKEN
  | typeof CA_KEY
  | typeof CONTROL_TOKEN
  | typeof ONECLI_COMPAT_SECRET
  | `${typeof AGENT_TOKEN_PREFIX}${string}`
  | `${typeof LOCAL_PREFIX}${string}`;

const FIXED_NAMES: ReadonlySet<string> = new Set([SERVICE_ACCOUNT_TOKEN, CA_KEY, CONTROL_TOKEN, ONECLI_COMPAT_SECRET]);

/**
 * Agent names and local secret names follow the `local://name` rule of src/shared (lower-case
 * letters, digits, `.`, `_`, `-`, up to 64), so a name valid in a reference is valid here and
 * nothing odd (`:`, `/`, control characters) reaches a keychain account.
 */
const SUFFIX = LOCAL_SECRET_NAME;

export function isSecretName(raw: string): raw is SecretName {
  if (FIXED_NAMES.has(raw)) return true;
  for (const prefix of [AGENT_TOKEN_PREFIX, LOCAL_PREFIX]) {
    if (raw.startsWith(prefix)) return SUFFIX.test(raw.slice(prefix.length));
  }
  return false;
}

/**
 * Returns the name, or throws `invalid_name`. The error does not repeat the name: a caller
 * that swapped name and value would otherwise put the value in a log.
 */
export function assertSecretName(raw: string): SecretName {
  if (isSecretName(raw)) return raw;
  throw new SecretStoreError(
    'invalid_name',
    `Not a secret name the launcher uses (${raw.length} characters): expected ${SERVICE_ACCOUNT_TOKEN}, ${CA_KEY}, ${CONTROL_TOKEN}, ${ONECLI_COMPAT_SECRET}, ${AGENT_TOKEN_PREFIX}<name> or ${LOCAL_PREFIX}<name>, where <name> is lower-case letters, digits, ".", "_" or "-".`,
  );
}

/** The keychain entry for an agent's token; throws `invalid_name` for a bad agent name. */
export function agentTokenName(agent: string): SecretName {
  return assertSecretName(`${AGENT_TOKEN_PREFIX}${agent}`);
}

/** The keychain entry behind `local://<name>`; throws `invalid_name` for a bad name. */
export function localSecretName(name: string): SecretName {
  return assertSecretName(`${LOCAL_PREFIX}${name}`);
}
