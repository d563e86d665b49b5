// Every fault the op double can play, through the real OpDesktopSource and runner: each must
// become the right shared code with a fix sentence, and no error may carry a secret value.
import { copyFileSync, chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { OpFailureCause, type OpFailureKind } from '../../src/core/vault/op-failure.js';
import { createOpRunner, nodeExecFile } from '../../src/core/vault/op-runner.js';
import { OpDesktopSource } from '../../src/core/vault/op-source.js';
import { VaultError } from '../../src/core/vault/vault-error.js';
import type { VaultErrorCode } from '../../src/shared/vault-errors.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const FIXTURE_FILE = path.join(FIXTURES, 'op-fixture.json');
const fixture = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as {
  vaults: { id: string; name: string }[];
  items: { id: string; title: string; fields: { value?: string }[] }[];
};
const ALL_VALUES = fixture.items.flatMap((i) => i.fields.map((f) => f.value)).filter((v): v is string => !!v);
const API_KEYS = fixture.vaults[0]?.id ?? '';
const GOOD_REF = 'op://API Keys/Anthropic/Admin/credential';

let opPath: string;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-op-faults-'));
  opPath = path.join(dir, 'op');
  copyFileSync(path.join(FIXTURES, 'fake-op.mjs'), opPath);
  chmodSync(opPath, 0o755);
});

function source(steer: Record<string, string> = {}, options: { timeoutMs?: number; opPath?: string } = {}) {
  const deps = { execFile: nodeExecFile, env: process.env, clock: { now: () => Date.now() } };
  const runner = createOpRunner(deps, {
    opPath: options.opPath ?? opPath,
    timeoutMs: options.timeoutMs,
    extraEnv: { FAKE_OP_FIXTURE: FIXTURE_FILE, ...steer },
  });
  return { src: new OpDesktopSource(runner), runner };
}

/** Awaits the rejection and checks what every VaultError from op must satisfy. */
async function failure(promise: Promise<unknown>): Promise<VaultError & { kind: OpFailureKind | undefined }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VaultError);
  const vaultError = err as VaultError;
  expect(vaultError.fix.length).toBeGreaterThan(20);
  const everything = [vaultError.message, vaultError.fix, String((vaultError.cause as Error | undefined)?.message ?? '')].join('\n');
  for (const value of ALL_VALUES) expect(everything).not.toContain(value);
  const kind = vaultError.cause instanceof OpFailureCause ? vaultError.cause.kind : undefined;
  return Object.assign(vaultError, { kind });
}

describe('FAKE_OP_MODE faults map to a code and a fix, on resolve and on listing', () => {
  const MODES: [string, VaultErrorCode, OpFailureKind, RegExp][] = [
    ['locked', 'auth_required', 'desktop_connection_reset', /Integrate with 1Password CLI.*onepassword-cli/],
    ['locked_mac', 'auth_required', 'desktop_unreachable', /unlock the 1Password app.*Integrate with 1Password CLI/],
    ['dismissed', 'auth_required', 'auth_denied', /approve its authorization prompt/],
    ['auth_timeout', 'auth_required', 'auth_denied', /approve its authorization prompt/],
    ['not_signed_in', 'auth_required', 'not_signed_in', /Sign in to 1Password/],
    ['no_accounts', 'auth_required', 'not_signed_in', /Sign in to 1Password/],
    ['rate_limited', 'rate_limited', 'rate_limited', /wait a few minutes/],
    ['network', 'unavailable', 'network', /check the network connection/],
    ['bad_token', 'auth_required', 'bad_token', /token was rejected/],
    ['crash', 'unavailable', 'crash', /stopped unexpectedly/],
  ];

  test.each(MODES)('%s', async (mode, code, kind, fix) => {
    const { src } = source({ FAKE_OP_MODE: mode });
    // Thunks, run one at a time: a rejection must never wait unobserved.
    for (const call of [() => src.resolve(GOOD_REF), () => src.listVaults(), () => src.listItems(API_KEYS), () => src.listFields(API_KEYS, 'Anthropic')]) {
      const err = await failure(call());
      expect({ code: err.code, kind: err.kind }).toEqual({ code, kind });
      expect(err.fix).toMatch(fix);
    }
  });

  test('the Linux connection-reset fix names the onepassword-cli group and the CLI setting', async () => {
    const err = await failure(source({ FAKE_OP_MODE: 'locked' }).src.resolve(GOOD_REF));
    expect(err.fix).toContain('onepassword-cli');
    expect(err.fix).toContain('"Integrate with 1Password CLI"');
  });

  test('a bad service-account token, even one passed on purpose, is auth_required', async () => {
    const err = await failure(source({ OP_SERVICE_ACCOUNT_TOKEN: 'garbage-not-ops' }).src.listVaults());
    expect(err.code).toBe('auth_required');
    expect(err.message).not.toContain('garbage-not-ops');
  });

  test('FAKE_OP_FAIL_AFTER: calls succeed, then the fault starts', async () => {
    const { src } = source({ FAKE_OP_MODE: 'rate_limited', FAKE_OP_FAIL_AFTER: '1', FAKE_OP_LOG: path.join(dir, 'fail-after.log') });
    await expect(src.listVaults()).resolves.toHaveLength(2);
    expect((await failure(src.listVaults())).code).toBe('rate_limited');
  });
});

describe('faults of the op process itself', () => {
  test('a hung op is killed when our timeout fires', async () => {
    const log = path.join(dir, 'hang.log');
    const started = Date.now();
    const err = await failure(source({ FAKE_OP_MODE: 'hang', FAKE_OP_LOG: log }, { timeoutMs: 400 }).src.resolve(GOOD_REF));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect({ code: err.code, kind: err.kind }).toEqual({ code: 'unavailable', kind: 'timeout' });
    expect(err.fix).toMatch(/did not answer within \d+ s; unlock the 1Password app/);
    const { pid } = JSON.parse(readFileSync(log, 'utf8').trim()) as { pid: number };
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  test('a slow op within the timeout still answers', async () => {
    await expect(source({ FAKE_OP_DELAY_MS: '300' }, { timeoutMs: 5_000 }).src.resolve(GOOD_REF)).resolves.toMatch(/^sk-ant-FAKE/);
  });

  test('garbage on stdout is unavailable with a clear fix, not a crash', async () => {
    const { src } = source({ FAKE_OP_MODE: 'garbage' });
    for (const call of [() => src.listVaults(), () => src.listItems(API_KEYS), () => src.listFields(API_KEYS, 'OpenAI')]) {
      const err = await failure(call());
      expect(err.code).toBe('unavailable');
      expect(err.fix).toMatch(/output OneCLI does not understand/);
    }
  });

  test('a missing op binary (ENOENT) says to install the 1Password CLI', async () => {
    const missing = path.join(dir, 'no-such-dir', 'op');
    expect(existsSync(missing)).toBe(false);
    const err = await failure(source({}, { opPath: missing }).src.listVaults());
    expect({ code: err.code, kind: err.kind }).toEqual({ code: 'unavailable', kind: 'op_not_installed' });
    expect(err.fix).toMatch(/^Install the 1Password CLI/);
  });
});

describe('not_found and bad_reference', () => {
  test.each<[string, () => Promise<unknown>, OpFailureKind, RegExp]>([
    ['a missing vault (read)', () => source().src.resolve('op://Nope/Anthropic/credential'), 'vault_not_found', /No vault/],
    ['a missing item (read)', () => source().src.resolve('op://API Keys/Nope/credential'), 'item_not_found', /no item/],
    ['a missing field (read)', () => source().src.resolve('op://API Keys/OpenAI/website'), 'field_not_found', /no field/],
    ['a section that does not hold the field', () => source().src.resolve('op://API Keys/Anthropic/Nope/credential'), 'field_not_found', /no field/],
    ['an ambiguous title (read)', () => source().src.resolve('op://API Keys/Dup/password'), 'item_ambiguous', /use the item ID/],
    ['a missing vault (list items)', () => source().src.listItems('Nope'), 'vault_not_found', /No vault/],
    ['a missing item (list fields)', () => source().src.listFields(API_KEYS, 'Nope'), 'item_not_found', /no item/],
    ['an ambiguous title (list fields)', () => source().src.listFields(API_KEYS, 'Dup'), 'item_ambiguous', /use the item ID/],
  ])('%s', async (_name, call, kind, fix) => {
    const err = await failure(call());
    expect({ code: err.code, kind: err.kind }).toEqual({ code: 'not_found', kind });
    expect(err.fix).toMatch(fix);
  });

  test('a malformed reference is refused before op runs', async () => {
    const log = path.join(dir, 'bad-ref.log');
    const { src } = source({ FAKE_OP_LOG: log });
    for (const ref of ['op://onlyvault', 'op://MCP/Neon API Key (pull.fm)/password', 'sk-ant-FAKE-pasted-by-mistake']) {
      const err = await failure(src.resolve(ref));
      expect(err.code).toBe('bad_reference');
      expect(err.message).not.toContain('sk-ant-FAKE-pasted-by-mistake');
    }
    expect(existsSync(log)).toBe(false);
  });

  test("op's own reference errors are bad_reference too (a caller that skips our check)", async () => {
    const { runner } = source();
    for (const ref of ['op://onlyvault', 'op://MCP/Neon API Key (pull.fm)/password']) {
      const err = await failure(runner(['read', ref, '--no-newline']));
      expect({ code: err.code, kind: err.kind }).toEqual({ code: 'bad_reference', kind: 'bad_ref' });
    }
  });
});
