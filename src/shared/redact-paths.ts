/**
 * The one redaction list for every log in the product: the launcher core, the CLI, the
 * Electron shell and the gateway (src/shared/log-redaction.ts applies it). A safety net only:
 * code keeps secrets out of log objects in the first place, and the secret-scan tests prove it.
 */

/** Headers whose values are credentials, lower-case: censored as fields and as `name: value` text. */
export const SECRET_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
];

/**
 * Field names whose values are censored wherever they sit in a log record, at any depth,
 * compared lower-case with `-` and `_` removed (so `service_account_token` is `serviceaccounttoken`).
 */
export const SECRET_FIELDS: readonly string[] = [
  ...SECRET_HEADERS.map((h) => h.replace(/[-_]/g, '')),
  'value',
  'values',
  'keypem',
  'credential',
  'credentials',
];

/** A field whose normalised name ends in one of these is censored too: agentToken, controlToken, clientSecret, apiKey. */
export const SECRET_FIELD_SUFFIXES: readonly string[] = ['token', 'secret', 'password', 'passphrase', 'apikey'];

/** What a censored field or text becomes. */
export const CENSOR = '[redacted]';

/**
 * Secrets as they turn up in text: error messages from the 1Password SDK or `op`, an upstream's
 * TLS error naming a host, a URL with userinfo, a header echoed into a message. Each replaces
 * only characters that never need escaping in JSON (no `"`, no `\`), so it can run over a
 * serialised log line without breaking it.
 */
export const SECRET_TEXT_PATTERNS: readonly { readonly what: string; readonly pattern: RegExp; readonly replacement: string }[] = [
  { what: 'private key (PEM)', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[^"]*/g, replacement: '[redacted private key]' },
  {
    what: 'credential header as text',
    pattern: new RegExp(`\\b(${SECRET_HEADERS.join('|')})(\\s*[:=]\\s*)[^"\\\\\\r\\n]+`, 'gi'),
    replacement: `$1$2${CENSOR}`,
  },
  { what: 'Bearer / Basic credential', pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/gi, replacement: `$1 ${CENSOR}` },
  { what: 'userinfo in a URL', pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"\\]+@/gi, replacement: `$1${CENSOR}@` },
  {
    what: 'secret-looking URL parameter',
    pattern: /([?&#](?:api[_-]?key|key|token|access[_-]?token|auth|password|secret|sig|signature|code|login)=)[^&\s"\\#]+/gi,
    replacement: `$1${CENSOR}`,
  },
  { what: '1Password service-account token', pattern: /\bops_[A-Za-z0-9+/=_.-]{8,}/g, replacement: CENSOR },
  { what: 'OneCLI agent token', pattern: /\boc_[A-Za-z0-9_-]{16,}/g, replacement: CENSOR },
  { what: 'sk- API key (OpenAI, Anthropic, …)', pattern: /\bsk-[A-Za-z0-9_-]{16,}/g, replacement: CENSOR },
  { what: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, replacement: CENSOR },
  { what: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replacement: CENSOR },
  { what: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replacement: CENSOR },
  { what: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g, replacement: CENSOR },
  { what: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, replacement: CENSOR },
];
