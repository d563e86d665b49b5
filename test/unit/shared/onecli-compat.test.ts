import { describe, expect, test } from 'vitest';
import { DEFAULT_ONECLI_LISTEN, ONECLI_REQUESTS, OnecliCompatSettings, parseListenAddress } from '../../../src/shared/onecli-compat.js';
import { SETTINGS_VERSION, Settings } from '../../../src/shared/settings.js';

describe('the OneCLI door listens on an IP literal and a port', () => {
  test.each([
    ['127.0.0.1:10257', { host: '127.0.0.1', port: 10257, loopback: true, unspecified: false, text: '127.0.0.1:10257' }],
    ['127.0.0.2:9', { host: '127.0.0.2', port: 9, loopback: true, unspecified: false, text: '127.0.0.2:9' }],
    ['[::1]:10257', { host: '::1', port: 10257, loopback: true, unspecified: false, text: '[::1]:10257' }],
    ['[::ffff:127.0.0.1]:10257', { host: '::ffff:7f00:1', port: 10257, loopback: true, unspecified: false, text: '[::ffff:7f00:1]:10257' }],
    ['0.0.0.0:10257', { host: '0.0.0.0', port: 10257, loopback: false, unspecified: true, text: '0.0.0.0:10257' }],
    ['[::]:10257', { host: '::', port: 10257, loopback: false, unspecified: true, text: '[::]:10257' }],
    ['172.17.0.1:10257', { host: '172.17.0.1', port: 10257, loopback: false, unspecified: false, text: '172.17.0.1:10257' }],
    [' 127.000.0.01:0 ', { host: '127.0.0.1', port: 0, loopback: true, unspecified: false, text: '127.0.0.1:0' }],
  ])('%s', (raw, expected) => {
    expect(parseListenAddress(raw)).toEqual(expected);
  });

  test.each([
    'localhost:10257',
    'example.com:10257',
    '127.0.0.1',
    '::1:10257',
    '[::1]',
    '256.0.0.1:1',
    '127.0.0.1:65536',
    '127.0.0.1:-1',
    '1.2.3:4',
    '',
    '[fe80::1%eth0]:1',
  ])('refused: %j (a name could resolve elsewhere; the address decides what is exposed)', (raw) => {
    expect(parseListenAddress(raw)).toEqual({ error: expect.stringMatching(/IP address and a port|not a port/) });
  });
});

describe("requests are parsed with upstream's schemas and messages (validations/internal.ts)", () => {
  test.each([
    ['resolve', {}, 'Invalid input: expected string, received undefined'],
    ['resolve', { token: '', op_ref: 'op://a/b/c' }, 'token is required'],
    ['resolve', { token: 't', op_ref: '' }, 'op_ref is required'],
    ['list-items', { token: 't', vaultId: '' }, 'vaultId is required'],
    ['list-fields', { token: 't', vaultId: 'v', itemId: '' }, 'itemId is required'],
    ['validate', null, 'Invalid input: expected object, received null'],
  ] as const)('%s %j → "%s"', (op, body, message) => {
    const parsed = ONECLI_REQUESTS[op].safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });

  test('a token of any shape is accepted (it is ignored: the app pairs itself)', () => {
    expect(ONECLI_REQUESTS.resolve.parse({ token: 'ops_anything', op_ref: 'op://v/i/f', extra: 1 })).toEqual({ token: 'ops_anything', op_ref: 'op://v/i/f' });
  });
});

describe('settings', () => {
  test('off by default, on the default loopback address', () => {
    expect(OnecliCompatSettings.parse({})).toEqual({ enabled: false, listen: DEFAULT_ONECLI_LISTEN });
    expect(DEFAULT_ONECLI_LISTEN).toBe('127.0.0.1:10257');
  });

  test('a version-4 file from before issue 15 reads with the door off (no version bump: the field has a default)', () => {
    const before = Settings.parse({ version: SETTINGS_VERSION, agents: [], mappings: [] });
    expect(before.onecliCompat).toEqual({ enabled: false, listen: '127.0.0.1:10257' });
  });

  test('the address is kept canonical, and a host name in the file is refused like a bad field', () => {
    expect(Settings.parse({ version: SETTINGS_VERSION, onecliCompat: { enabled: true, listen: '[::ffff:127.0.0.1]:1' } }).onecliCompat.listen).toBe(
      '[::ffff:7f00:1]:1',
    );
    expect(Settings.safeParse({ version: SETTINGS_VERSION, onecliCompat: { enabled: true, listen: 'localhost:1' } }).success).toBe(false);
  });

  test("an older launcher's schema drops the field when it writes (the door is then off: the safe direction)", () => {
    // What a v4 launcher without issue 15 does with the file: parse with its schema (unknown keys stripped), write that.
    const withDoor = Settings.parse({ version: SETTINGS_VERSION, onecliCompat: { enabled: true, listen: '0.0.0.0:10257' } });
    const olderSchema = Settings.omit({ onecliCompat: true });
    const writtenByOlder = olderSchema.parse(JSON.parse(JSON.stringify(withDoor)));
    expect(writtenByOlder).not.toHaveProperty('onecliCompat');
    expect(Settings.parse(writtenByOlder).onecliCompat.enabled).toBe(false);
  });
});
