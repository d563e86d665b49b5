import { VaultError } from './vault-error.js';

const PAIR_AGAIN = 'The service-account token was refused. Create a new one in 1Password and pair again.';

/**
 * How `@1password/sdk` failures map onto our vocabulary. The SDK throws typed errors for a
 * few cases and plain `Error(message)` (or, from `validateSecretReference`, a JSON *string*)
 * for the rest; these substrings come from reference/op-cli.md §4 (some inferred from the
 * WASM core's strings), so they live here, in one table, easy to change.
 */
const SDK_MESSAGE_RULES: ReadonlyArray<{ readonly match: RegExp; readonly error: () => VaultError }> = [
  {
    match: /rate limit|too many requests/i,
    error: () =>
      new VaultError(
        'rate_limited',
        '1Password is rate-limiting this service account; requests resume within the hour. Fewer distinct secrets or a Business plan raise the limit.',
      ),
  },
  {
    match: /service account token|not authenticated|auth(entication)? expired|unauthori[sz]ed|forbidden/i,
    error: () => new VaultError('auth_required', PAIR_AGAIN, { remedy: 'connect-1password' }),
  },
  {
    match: /ParsingSecretReference|secret reference (could not be parsed|has invalid|is not prefixed)|invalid secret reference/i,
    error: () => new VaultError('bad_reference', 'The reference is not valid: use op://vault/item/[section/]field.'),
  },
  {
    match: /more than one item matched/i,
    error: () => new VaultError('not_found', 'More than one item has that name: pick the item by its ID in the mapping.'),
  },
  {
    match: /no (vault|item|section) matched|field cannot be found|not in an active state|isn't (a|an) (vault|item)/i,
    error: () =>
      new VaultError('not_found', 'No such vault, item or field for this service account: check the reference and that the account can see the vault.'),
  },
  {
    match: /error sending request|request timeout|request library compatibility|network|dns|ENOTFOUND|ECONNREFUSED|ETIMEDOUT/i,
    error: () => new VaultError('unavailable', 'Could not reach 1Password. Check your network; the gateway retries after a minute.'),
  },
];

function messageOf(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` ${err.cause.message}` : '';
    return `${err.name} ${err.message}${cause}`;
  }
  return '';
}

export function classifySdkFailure(err: unknown): VaultError {
  if (err instanceof VaultError) return err;
  const name = err instanceof Error ? err.constructor.name : '';
  if (name === 'RateLimitExceededError') return SDK_MESSAGE_RULES[0]!.error();
  if (name === 'AuthExpiredError' || name === 'DesktopSessionExpiredError')
    return new VaultError('auth_required', PAIR_AGAIN, { cause: err, remedy: 'connect-1password' });
  const text = messageOf(err);
  for (const rule of SDK_MESSAGE_RULES) {
    if (rule.match.test(text)) {
      const mapped = rule.error();
      return new VaultError(mapped.code, mapped.fix, { cause: err, ...(mapped.remedy ? { remedy: mapped.remedy } : {}) });
    }
  }
  return new VaultError('unavailable', '1Password answered with an unexpected error; see the launcher log.', { cause: err });
}
