import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { describeError, isSecretField, KnownSecrets, logRedaction, redactFields, redactText } from '../../../src/shared/log-redaction.js';

const AGENT_TOKEN = 'tok-agent-7f3c9e1d2b4a6f80'; // no recognisable shape: only KnownSecrets can catch it
const SA_TOKEN = 'ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSJ9';
const VALUE = 'sk-live-SECRET-4d2f8a91c3e7';
const OPAQUE_VALUE = 'Zq81-opaque-credential"with\\quote';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n';
const ALL = [AGENT_TOKEN, SA_TOKEN, VALUE, OPAQUE_VALUE, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'COOKIE-SECRET-1a2b3c', 'hunter2-password'];

/** Records that carry secrets in every way a log line can: fields, messages, error texts, host names, URLs. */
function writeHostileRecords(log: pino.Logger): void {
  log.info({ token: AGENT_TOKEN, headers: { authorization: `Bearer ${VALUE}`, 'X-Api-Key': VALUE, Cookie: 'session=COOKIE-SECRET-1a2b3c' } }, 'fields');
  log.info({ req: { headers: { 'proxy-authorization': `Basic ${btoa(`x:${AGENT_TOKEN}`)}` } } }, 'a request');
  log.warn({ deep: { a: { b: { serviceAccountToken: SA_TOKEN, client_secret: 'hunter2-password' } } } }, 'nested');
  log.warn({ host: `${AGENT_TOKEN}.example:443`, mapping: 'api.example' }, 'request failed'); // a host name from the client
  log.error({ err: new Error(`Invalid service account token ${SA_TOKEN}: rejected`) }, 'pairing failed'); // an SDK's error text
  log.error(`resolve failed for ${OPAQUE_VALUE}`); // a value in the message itself
  log.warn({ reason: `upstream said: x-api-key: ${VALUE}` }, 'upstream refused');
  log.warn({ url: `http://x:${AGENT_TOKEN}@127.0.0.1:10255/`, query: `https://api.example/v1?key=${VALUE}&q=1` }, 'proxy url');
  log.error({ detail: PEM }, 'bad CA file');
  log.info({ encoded: encodeURIComponent(OPAQUE_VALUE), b64: btoa(AGENT_TOKEN) }, 'encodings');
}

function capture(options: pino.LoggerOptions): string {
  const lines: string[] = [];
  const log = pino({ level: 'trace', ...options }, { write: (l: string) => void lines.push(l) });
  writeHostileRecords(log);
  return lines.join('');
}

describe('the shared log redaction', () => {
  test('a logger without it writes every planted secret (so the next test can fail)', () => {
    const plain = capture({});
    for (const secret of [AGENT_TOKEN, SA_TOKEN, VALUE, 'COOKIE-SECRET-1a2b3c', 'hunter2-password']) expect(plain).toContain(secret);
  });

  test('with it, no planted secret survives: fields at any depth, messages, error texts, host names, URLs, encodings', () => {
    const known = new KnownSecrets();
    known.add(AGENT_TOKEN);
    known.add(OPAQUE_VALUE);
    const out = capture(logRedaction(known));
    for (const secret of ALL) expect(out).not.toContain(secret);
    expect(out).not.toContain(btoa(`x:${AGENT_TOKEN}`).replace(/=+$/, ''));
    expect(out).not.toContain(JSON.stringify(OPAQUE_VALUE).slice(1, -1));
    // Still useful, and still JSON: what is not secret stays.
    const records = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.msg)).toEqual([
      'fields',
      'a request',
      'nested',
      'request failed',
      'pairing failed',
      'resolve failed for [redacted]',
      'upstream refused',
      'proxy url',
      'bad CA file',
      'encodings',
    ]);
    expect(records[3]).toMatchObject({ host: '[redacted].example:443', mapping: 'api.example' });
    expect(records[4]).toMatchObject({ err: { message: 'Invalid service account token [redacted]: rejected' } });
    expect(records[7]).toMatchObject({ url: 'http://[redacted]@127.0.0.1:10255/', query: 'https://api.example/v1?key=[redacted]&q=1' });
  });

  test('shapes are caught without knowing the secret: ops_, oc_, sk-, Bearer/Basic, header text, PEM, JWT', () => {
    expect(redactText(`token ${SA_TOKEN} refused`)).toBe('token [redacted] refused');
    expect(redactText('agent oc_Jk2mQ9xV4bN7cR1tY6uW3eZ8aS5dF0gH')).toBe('agent [redacted]');
    expect(redactText(`key ${VALUE}`)).toBe('key [redacted]');
    expect(redactText('Authorization: Bearer abc.def-123456')).toBe('Authorization: [redacted]');
    expect(redactText('sent Bearer abcdefgh123')).toBe('sent Bearer [redacted]');
    expect(redactText('Proxy-Authorization=Basic eDp0b2stYWdlbnQ=')).toBe('Proxy-Authorization=[redacted]');
    expect(redactText('cookie: a=1; b=2')).toBe('cookie: [redacted]');
    expect(redactText(`file ${PEM}`)).toBe('file [redacted private key]');
    expect(redactText('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N')).toBe('jwt [redacted]');
    // Ordinary words and hosts stay readable.
    expect(redactText('Basic auth refused for api.anthropic.com:443 (set-cookie dropped)')).toBe(
      'Basic auth refused for api.anthropic.com:443 (set-cookie dropped)',
    );
  });

  test('secret-named fields are censored whatever their case or separator; flags and counts stay', () => {
    expect(['token', 'agentToken', 'X-Api-Key', 'service_account_token', 'keyPem', 'value', 'Proxy-Authorization', 'clientSecret'].every(isSecretField)).toBe(
      true,
    );
    expect(['tokens', 'host', 'mapping', 'agent', 'status', 'reason'].some(isSecretField)).toBe(false);
    expect(redactFields({ hasToken: false, token: 12345678, list: [{ apiKey: 'k' }], when: new Date(0) })).toEqual({
      hasToken: false,
      token: '[redacted]',
      list: [{ apiKey: '[redacted]' }],
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  test('a known secret is censored in its raw, JSON-escaped, percent-encoded and base64 forms; short ones are left to the patterns', () => {
    const known = new KnownSecrets();
    known.add(OPAQUE_VALUE);
    known.add('short');
    for (const form of [OPAQUE_VALUE, JSON.stringify(OPAQUE_VALUE).slice(1, -1), encodeURIComponent(OPAQUE_VALUE), btoa(OPAQUE_VALUE)])
      expect(known.redact(`<${form}>`)).toBe('<[redacted]>');
    expect(known.redact('a short word')).toBe('a short word');
  });

  test('an error is its code and a short message, redacted before it is cut (half a secret would not match)', () => {
    const known = new KnownSecrets();
    known.add(AGENT_TOKEN);
    const err = Object.assign(new Error(`${'x'.repeat(175)} ${AGENT_TOKEN} and more`), { code: 'EAUTH' });
    const described = describeError(err, known);
    expect(described.code).toBe('EAUTH');
    expect(described.message.length).toBeLessThanOrEqual(200);
    expect(described.message).toMatch(/x \[redacted\] and more$/);
    expect(described.message).not.toContain('tok-agent');
    expect(describeError({ message: `a plain object ${VALUE}` })).toEqual({ message: 'a plain object [redacted]' });
    expect(describeError(42)).toEqual({ message: 'non-error thrown' });
  });
});
