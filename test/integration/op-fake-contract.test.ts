// The op double is itself a contract (op-cli.md §6) that other tests lean on; this pins it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const FAKE_OP = path.join(FIXTURES, 'fake-op.mjs');
const FIXTURE_FILE = path.join(FIXTURES, 'op-fixture.json');
const ERROR_LINE = /^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-fake-op-'));
});

function op(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [FAKE_OP, ...args], { env: { FAKE_OP_FIXTURE: FIXTURE_FILE, ...env }, timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

describe('fake op: output shapes and exit codes', () => {
  test('--version ignores the mode', async () => {
    expect(await op(['--version'], { FAKE_OP_MODE: 'locked' })).toEqual({ code: 0, stdout: '2.32.0\n', stderr: '' });
  });

  test('read prints the value and a newline; -n / --no-newline drop it', async () => {
    expect((await op(['read', 'op://Private/Database/password'])).stdout).toBe('FAKE-db-password-2222\n');
    expect((await op(['-n', 'read', 'op://Private/Database/password'])).stdout).toBe('FAKE-db-password-2222');
    expect((await op(['read', 'op://Private/Database/password', '--no-newline'])).stdout).toBe('FAKE-db-password-2222');
  });

  test('read -o / --out-file writes a 0600 file and prints its path', async () => {
    for (const [i, flag] of [['-o'], ['--out-file'], ['--out-file=']].entries()) {
      const file = path.join(dir, `out-${i}.txt`);
      const args = flag[0]?.endsWith('=') ? [`${flag[0]}${file}`] : [flag[0] as string, file];
      const res = await op(['read', ...args, 'op://Private/Database/password']);
      expect(res).toEqual({ code: 0, stdout: `${file}\n`, stderr: '' });
      expect(readFileSync(file, 'utf8')).toBe('FAKE-db-password-2222\n');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  test('flags work as --f v and --f=v, before or after the subcommand, and ignored globals are accepted', async () => {
    const a = await op(['--format', 'json', 'item', 'list', '--vault=Private', '--cache=false', '--account', 'x', '--debug']);
    const b = await op(['item', '--no-color', 'list', '--vault', 'private', '--format=json', '--iso-timestamps', '--session', 's', '--config', '/tmp']);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(JSON.parse(a.stdout)).toEqual([expect.objectContaining({ title: 'Database', vault: { id: 'fakevaultprivate0000000002', name: 'Private' } })]);
  });

  test('an item list entry has the overview keys only, no fields', async () => {
    const [first] = JSON.parse((await op(['item', 'list', '--vault', 'API Keys', '--format', 'json'])).stdout) as Record<string, unknown>[];
    expect(Object.keys(first ?? {}).sort()).toEqual(
      ['additional_information', 'category', 'created_at', 'id', 'last_edited_by', 'title', 'updated_at', 'urls', 'vault', 'version'].sort(),
    );
  });

  test('whoami reports SERVICE_ACCOUNT when a valid-looking token is set; a bad one is bad_token', async () => {
    expect(JSON.parse((await op(['whoami', '--format', 'json'])).stdout)).toMatchObject({ user_type: 'HUMAN' });
    expect(JSON.parse((await op(['whoami', '--format', 'json'], { OP_SERVICE_ACCOUNT_TOKEN: 'ops_fake' })).stdout)).toMatchObject({
      user_type: 'SERVICE_ACCOUNT',
    });
    const bad = await op(['whoami', '--format', 'json'], { OP_SERVICE_ACCOUNT_TOKEN: 'nope' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/DecodeSACredentials/);
  });
});

describe('fake op: failures', () => {
  test.each([
    [['vault', 'list', '--bogus'], {}, 'unknown flag: --bogus'],
    [['frob'], {}, 'unknown command "frob" for "op"'],
    [
      ['read', 'op://onlyvault'],
      {},
      "invalid secret reference 'op://onlyvault': too few '/': secret references should have at least vault, item and field specified",
    ],
    [['read', 'op://a/b (c)/d'], {}, "invalid secret reference: invalid character in secret reference: '('"],
    [['item', 'get', 'Nope', '--format', 'json'], {}, '"Nope" isn\'t an item. Specify the item with its UUID, name, or domain.'],
    [['item', 'list', '--vault', 'Nope'], {}, '"Nope" isn\'t a vault in this account. Specify the vault with its ID or name.'],
    [
      ['read', 'op://a/b/c'],
      { FAKE_OP_MODE: 'dismissed' },
      "could not read secret 'op://a/b/c': error initializing client: authorization prompt dismissed, please try again",
    ],
    [['vault', 'list'], { FAKE_OP_MODE: 'auth_timeout', FAKE_OP_DELAY_MS: '50' }, 'error initializing client: authorization timeout'],
  ] as const)('%j → [ERROR] <ts> message, empty stdout, exit 1', async (args, env, message) => {
    const res = await op([...args], env);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(ERROR_LINE);
    expect(res.stderr.replace(ERROR_LINE, '')).toBe(`${message}\n`);
  });

  test('no_accounts has no [ERROR] prefix; crash exits 2 with a panic', async () => {
    expect(await op(['account', 'list', '--format', 'json'], { FAKE_OP_MODE: 'no_accounts' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'No accounts configured for use with 1Password CLI.\n',
    });
    expect(await op(['vault', 'list'], { FAKE_OP_MODE: 'crash' })).toEqual({ code: 2, stdout: '', stderr: 'panic: fake\n' });
  });

  test('FAKE_OP_LOG records each call with env presence flags, never a token value', async () => {
    const log = path.join(dir, 'calls.log');
    await op(['vault', 'list', '--format', 'json'], { FAKE_OP_LOG: log, OP_SERVICE_ACCOUNT_TOKEN: 'ops_SECRET_TOKEN_VALUE', OP_ACCOUNT: 'acme' });
    await op(['--version'], { FAKE_OP_LOG: log });
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ argv: ['vault', 'list', '--format', 'json'], env: { OP_SERVICE_ACCOUNT_TOKEN: true, OP_ACCOUNT: 'acme' } });
    expect(lines[1]).toMatchObject({ argv: ['--version'], env: { OP_SERVICE_ACCOUNT_TOKEN: false } });
    expect(readFileSync(log, 'utf8')).not.toContain('ops_SECRET_TOKEN_VALUE');
  });
});
