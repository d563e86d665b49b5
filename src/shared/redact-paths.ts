/**
 * pino redaction paths shared by core and gateway. A safety net only: code keeps secrets out
 * of log objects in the first place, and the secret-scan tests prove it.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers["x-api-key"]',
  'headers.cookie',
  '*.token',
  '*.value',
  '*.keyPem',
  '*.serviceAccountToken',
  'token',
  'value',
];
