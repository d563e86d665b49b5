import { describe, expect, test } from 'vitest';
import type { OpRunner } from '../../../src/core/vault/op-runner.js';
import { OpDesktopSource } from '../../../src/core/vault/op-source.js';
import { VaultError } from '../../../src/core/vault/vault-error.js';

/** A runner that answers from a script and records every argv it was asked to run. */
function scriptedRunner(answer: (args: readonly string[]) => string) {
  const calls: (readonly string[])[] = [];
  const run: OpRunner = async (args) => {
    calls.push(args);
    return answer(args);
  };
  return { run, calls };
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as VaultError,
  );

describe('OpDesktopSource with a scripted runner', () => {
  test('resolve runs `op read <ref> --no-newline` and returns stdout untouched', async () => {
    const { run, calls } = scriptedRunner(() => ' sk-FAKE with spaces ');
    await expect(new OpDesktopSource(run).resolve('op://v/i/f')).resolves.toBe(' sk-FAKE with spaces ');
    expect(calls).toEqual([['read', 'op://v/i/f', '--no-newline']]);
  });

  test('a malformed reference never spawns op', async () => {
    const { run, calls } = scriptedRunner(() => 'x');
    expect(await failureOf(new OpDesktopSource(run).resolve('op://v/i(x)/f'))).toMatchObject({ code: 'bad_reference' });
    expect(calls).toEqual([]);
  });

  test('an empty field is not_found, never an empty credential', async () => {
    const { run } = scriptedRunner(() => '');
    expect(await failureOf(new OpDesktopSource(run).resolve('op://v/i/f'))).toMatchObject({ code: 'not_found' });
  });

  test("listFields keeps no values, and builds an ID reference when op's own is unusable", async () => {
    const item = {
      id: 'itm1',
      vault: { id: 'vlt1', name: 'V' },
      fields: [
        { id: 'password', type: 'CONCEALED', label: 'password', value: 'sk-FAKE-secret', reference: 'op://V/I (prod)/password' },
        { id: 'k1', type: 'STRING', label: 'token', value: 'also-secret', section: { id: 'sec1' }, reference: 'op://V/I/sec1/token' },
        { id: 'bad id!', type: 'STRING', label: 'weird', value: 'v' },
      ],
    };
    const { run, calls } = scriptedRunner(() => JSON.stringify(item));
    const fields = await new OpDesktopSource(run).listFields('vlt1', 'itm1');
    expect(calls).toEqual([['item', 'get', 'itm1', '--vault', 'vlt1', '--format', 'json']]);
    expect(fields).toEqual([
      { id: 'password', label: 'password', type: 'CONCEALED', section: undefined, reference: 'op://vlt1/itm1/password' },
      { id: 'k1', label: 'token', type: 'STRING', section: undefined, sectionId: 'sec1', reference: 'op://V/I/sec1/token' },
    ]);
    expect(JSON.stringify(fields)).not.toMatch(/secret|"v"/);
  });

  test.each([
    ['not JSON', 'this is not JSON {'],
    ['JSON of the wrong shape', '{"vaults": []}'],
    ['an entry missing its name', '[{"id": "x"}]'],
  ])('%s from op is unavailable with a clear fix, never a crash', async (_name, stdout) => {
    const { run } = scriptedRunner(() => stdout);
    const err = await failureOf(new OpDesktopSource(run).listVaults());
    expect(err).toBeInstanceOf(VaultError);
    expect(err).toMatchObject({ code: 'unavailable', fix: expect.stringMatching(/output OneCLI does not understand; update op/) });
  });

  test('the parse failure cause names the place, never the content (item get output holds values)', async () => {
    const { run } = scriptedRunner(() => '{"id":"i","vault":{"id":"v"},"fields":[{"id":"f","type":7,"value":"sk-FAKE-in-output"}]}');
    const err = (await failureOf(new OpDesktopSource(run).listFields('v', 'i'))) as VaultError;
    expect((err.cause as Error).message).toBe('op item get: unexpected JSON at fields.0.type');
    const bad = scriptedRunner(() => '{"value":"sk-FAKE-in-output"');
    const err2 = (await failureOf(new OpDesktopSource(bad.run).listFields('v', 'i'))) as VaultError;
    expect(String((err2.cause as Error).message)).not.toContain('sk-FAKE');
  });

  test('a vault ID that op would read as a flag is refused before spawning', async () => {
    const { run, calls } = scriptedRunner(() => '[]');
    expect(await failureOf(new OpDesktopSource(run).listItems('--help'))).toMatchObject({ code: 'bad_reference' });
    expect(calls).toEqual([]);
  });
});
