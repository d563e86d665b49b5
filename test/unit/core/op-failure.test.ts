import { describe, expect, test } from 'vitest';
import { classifyOpFailure, opFailureKind, OP_STDERR_RULES, OpFailureCause, type OpFailureKind } from '../../../src/core/vault/op-failure.js';
import type { VaultErrorCode } from '../../../src/shared/vault-errors.js';

const stamp = '[ERROR] 2024/05/01 12:34:56 ';
const exit1 = (message: string, prefix = stamp) => ({ exitCode: 1, stderr: `${prefix}${message}\n` });
const readOf = (ref: string, message: string) => exit1(`could not read secret '${ref}': ${message}`);

const LINUX_RESET =
  "connecting to desktop app: read: connection reset, make sure 1Password CLI is installed correctly, then open the 1Password app, select 1Password > Settings > Developer and make sure the 'Integrate with 1Password CLI' setting is turned on.";
const MAC_UNREACHABLE =
  "connecting to desktop app: 1Password CLI couldn't connect to the 1Password Desktop App. To fix this, update the desktop app to the latest version. If you're still having trouble connecting, restart the app. If you're using version 8.10.12 or earlier of the app, the 1Password CLI binary must be located in /usr/local/bin/op.";

// Every message quoted in op-cli.md §2 and §6, with the kind and shared code it must map to.
const CASES: [string, { exitCode?: number | null; stderr: string; signal?: string }, OpFailureKind, VaultErrorCode][] = [
  ['not signed in (op 2.34.1)', exit1('account is not signed in'), 'not_signed_in', 'auth_required'],
  ['not signed in (older wording)', exit1('You are not currently signed in. Please run `op signin --help` for instructions'), 'not_signed_in', 'auth_required'],
  ['no accounts, without the [ERROR] prefix', exit1('No accounts configured for use with 1Password CLI.', ''), 'not_signed_in', 'auth_required'],
  ['no accounts, with the prefix', exit1('No accounts configured for use with 1Password CLI.'), 'not_signed_in', 'auth_required'],
  [
    'account filter matches nothing',
    exit1('error initializing client: found no accounts for filter "acme.1password.com"'),
    'account_not_found',
    'auth_required',
  ],
  ['no account found for filter', exit1('no account found for filter "acme"'), 'account_not_found', 'auth_required'],
  ['several accounts, none chosen', exit1('multiple accounts found. Use the --account flag to choose one'), 'account_ambiguous', 'auth_required'],
  ['Linux connection reset', exit1(LINUX_RESET), 'desktop_connection_reset', 'auth_required'],
  ['macOS cannot connect', exit1(MAC_UNREACHABLE), 'desktop_unreachable', 'auth_required'],
  ['prompt dismissed', exit1('error initializing client: authorization prompt dismissed, please try again'), 'auth_denied', 'auth_required'],
  ['prompt timed out', exit1('error initializing client: authorization timeout'), 'auth_denied', 'auth_required'],
  ['read: prompt timed out', readOf('op://V/I/f', 'error initializing client: authorization timeout'), 'auth_denied', 'auth_required'],
  ['read: locked (Linux)', readOf('op://V/I/f', LINUX_RESET), 'desktop_connection_reset', 'auth_required'],
  ['item missing', exit1('"Anthropic" isn\'t an item. Specify the item with its UUID, name, or domain.'), 'item_not_found', 'not_found'],
  [
    'item missing in a vault',
    exit1('"Anthropic" isn\'t an item in the "API Keys" vault. Specify the item with its UUID, name, or domain.'),
    'item_not_found',
    'not_found',
  ],
  [
    'read: item missing',
    exit1('could not read secret \'op://Scripts/Feedbin/username\': could not get item Scripts/Feedbin: "Feedbin" isn\'t an item in the "Scripts" vault.'),
    'item_not_found',
    'not_found',
  ],
  [
    'read: field missing',
    exit1("could not read secret 'op://VAULT/ITEM/website': item 'VAULT/ITEM' does not have a field 'website'"),
    'field_not_found',
    'not_found',
  ],
  ['vault missing', exit1('"Nope" isn\'t a vault in this account. Specify the vault with its ID or name.'), 'vault_not_found', 'not_found'],
  [
    'read: vault missing',
    exit1("could not read secret 'op://agents/X/key': could not get item agents/X: \"agents\" isn't a vault in this account."),
    'vault_not_found',
    'not_found',
  ],
  [
    'ambiguous item, with candidates',
    exit1(
      'More than one item matches "Dup". Try again and specify the item by its ID:\n\t* for the item "Dup" in vault Private: abc\n\t* for the item "Dup" in vault Private: def',
    ),
    'item_ambiguous',
    'not_found',
  ],
  [
    'too few segments',
    exit1("invalid secret reference 'op://onlyvault': too few '/': secret references should have at least vault, item and field specified"),
    'bad_ref',
    'bad_reference',
  ],
  ['invalid character', exit1("invalid secret reference: invalid character in secret reference: '('"), 'bad_ref', 'bad_reference'],
  ['rate limited', exit1('Too many requests. Your client has been rate-limited. Try again in  seconds'), 'rate_limited', 'rate_limited'],
  ['rate limited, cut short', exit1('Too many requests. Your client has been rate-limited.'), 'rate_limited', 'rate_limited'],
  [
    'bad service-account token',
    exit1('failed to session.DecodeSACredentials: failed to DecodeSACredentials: invalid credentials provided'),
    'bad_token',
    'auth_required',
  ],
  [
    'bad token on the read path (op 2.34.0)',
    readOf(
      'op://NoVault/NoItem/token',
      'error initializing client: Validation: (failed to session.DecodeSACredentials), Server: (failed to DecodeSACredentials), illegal base64 data at input byte 12',
    ),
    'bad_token',
    'auth_required',
  ],
  ['bad token, exit 9', { exitCode: 9, stderr: `${stamp}failed to DecodeSACredentials: unexpected end of JSON input\n` }, 'bad_token', 'auth_required'],
  ['403', exit1('(403) Forbidden: Forbidden'), 'permission_denied', 'auth_required'],
  ['101 no permission', exit1('(101) You do not have permission to perform this action'), 'permission_denied', 'auth_required'],
  ['401', exit1("(401) Unauthorized: You aren't authorized to perform this action."), 'permission_denied', 'auth_required'],
  ['network down', exit1('dial tcp: lookup my.1password.com: no such host'), 'network', 'unavailable'],
  ['connection refused', exit1('Get "https://my.1password.com": dial tcp 1.2.3.4:443: connect: connection refused'), 'network', 'unavailable'],
  ['unknown flag', exit1('unknown flag: --bogus\nUsage:\n  op read [flags]'), 'unknown', 'unavailable'],
  ['unknown command', exit1('unknown command "frob" for "op"'), 'unknown', 'unavailable'],
  ['a Go panic', { exitCode: 2, stderr: 'panic: fake\n' }, 'crash', 'unavailable'],
  ['killed by a signal we did not send', { exitCode: null, signal: 'SIGSEGV', stderr: '' }, 'crash', 'unavailable'],
  ['exit 1 and silence', { exitCode: 1, stderr: '' }, 'unknown', 'unavailable'],
];

describe('classifyOpFailure maps every observed op message to a shared code and a fix', () => {
  test.each(CASES)('%s', (_name, failure, kind, code) => {
    expect(opFailureKind(failure)).toBe(kind);
    const err = classifyOpFailure(failure);
    expect(err.code).toBe(code);
    expect(err.fix.length).toBeGreaterThan(20);
    expect(err.message).toBe(err.fix);
    expect(err.cause).toBeInstanceOf(OpFailureCause);
    expect((err.cause as OpFailureCause).kind).toBe(kind);
  });
});

describe('failures where no op process answered', () => {
  test('ENOENT says to install the CLI; choosing another op is a remedy each surface words (the CLI: --op-path)', () => {
    const err = classifyOpFailure({ spawnErrorCode: 'ENOENT', stderr: '', opPath: '/nowhere/op' });
    expect(err.code).toBe('unavailable');
    expect(err.fix).toMatch(/^Install the 1Password CLI/);
    expect(err.fix).not.toContain('--op-path');
    expect(err.remedy).toBe('choose-op');
    expect(err.fix).toContain('/nowhere/op');
  });

  test('no failure sentence names a command or a flag: those are remedies', () => {
    const failures = [
      { spawnErrorCode: 'ENOENT', stderr: '' },
      { spawnErrorCode: 'EACCES', stderr: '' },
      { stderr: '', exitCode: null, signal: 'SIGSEGV' },
      { stderr: '[ERROR] 2024/01/01 00:00:00 something nobody has seen', exitCode: 1 },
    ];
    for (const f of failures) expect(classifyOpFailure(f as Parameters<typeof classifyOpFailure>[0]).fix).not.toMatch(/onecli-launcher|--[a-z]/);
  });

  test('EACCES says the file could not be started', () => {
    const err = classifyOpFailure({ spawnErrorCode: 'EACCES', stderr: '', opPath: '/x/op' });
    expect(opFailureKind({ spawnErrorCode: 'EACCES', stderr: '' })).toBe('op_not_runnable');
    expect(err.fix).toMatch(/could not be started \(EACCES\).*executable/);
  });

  test('our timeout says how long we waited and to look for the unlock prompt', () => {
    const err = classifyOpFailure({ timedOut: true, stderr: '', timeoutMs: 70_000, elapsedMs: 70_004 });
    expect(err.code).toBe('unavailable');
    expect(err.fix).toMatch(/did not answer within 70 s; unlock the 1Password app/);
    expect((err.cause as Error).message).toBe('op was killed after 70004 ms (timeout 70000 ms)');
  });

  test('too much output is unavailable, not a crash', () => {
    expect(opFailureKind({ outputTooLarge: true, stderr: '' })).toBe('output_too_large');
  });

  test('each unavailable kind has its own fix text', () => {
    const fixes = [
      { spawnErrorCode: 'ENOENT', stderr: '' },
      { spawnErrorCode: 'EACCES', stderr: '' },
      { timedOut: true, stderr: '' },
      { outputTooLarge: true, stderr: '' },
      exit1('dial tcp: i/o timeout'),
      { exitCode: 2, stderr: 'panic: x' },
      exit1('huh'),
    ].map((f) => classifyOpFailure(f).fix);
    expect(new Set(fixes).size).toBe(fixes.length);
  });
});

describe("classification is not fooled by the user's own names", () => {
  test.each([
    [
      'an item called "Rate limit"',
      readOf('op://API Keys/Rate limit/password', 'could not get item API Keys/Rate limit: "Rate limit" isn\'t an item in the "API Keys" vault.'),
      'item_not_found',
    ],
    ['a vault called "dial tcp"', readOf('op://dial tcp/X/y', 'could not get item dial tcp/X: "dial tcp" isn\'t a vault in this account.'), 'vault_not_found'],
    ['a field called "not signed in"', readOf('op://V/I/not signed in', "item 'V/I' does not have a field 'not signed in'"), 'field_not_found'],
    [
      'candidate lines naming a vault "Too many requests"',
      exit1('More than one item matches "D". Try again and specify the item by its ID:\n\t* for the item "D" in vault Too many requests: a'),
      'item_ambiguous',
    ],
  ] as const)('%s', (_name, failure, kind) => {
    expect(opFailureKind(failure)).toBe(kind);
  });
});

describe('what the error carries', () => {
  const secret = 'sk-ant-FAKE-should-never-leak';
  const token = 'ops_eyJGQUtFIjoidG9rZW4ifQ';

  test('the fix never holds op output; the cause keeps one redacted reason line', () => {
    const err = classifyOpFailure(exit1(`failed to DecodeSACredentials for ${token}: invalid credentials provided ${secret}`));
    expect(err.fix).not.toContain(secret);
    expect(err.fix).not.toContain(token);
    expect(String((err.cause as Error).message)).not.toContain(token);
    expect((err.cause as Error).message).toContain('ops_[redacted]');
  });

  test('an unknown failure keeps its first line, without the [ERROR] prefix, in the cause only', () => {
    const err = classifyOpFailure(exit1('something new happened\nmore detail'));
    expect((err.cause as Error).message).toBe('op failed (unknown, exit 1): something new happened');
    expect(err.fix).not.toContain('something new happened');
  });

  test('the substring table is one ordered list of lower-case texts', () => {
    for (const rule of OP_STDERR_RULES) for (const s of rule.substrings) expect(s).toBe(s.toLowerCase());
    expect(OP_STDERR_RULES[0]?.kind).toBe('auth_denied');
  });
});
