import { describe, expect, test } from 'vitest';
import { agentTokenName, assertSecretName, isSecretName, localSecretName } from '../../../src/core/secrets/secret-names.js';
import { MemorySecretStore } from '../../../src/core/secrets/memory-secret-store.js';
import { SecretStoreError } from '../../../src/core/secrets/secret-store-error.js';

describe('secret names', () => {
  test.each([
    'service-account-token',
    'ca-key',
    'control-token',
    'agent-token:claude-code',
    'agent-token:ci.runner_2',
    'local:my-key',
    `local:${'a'.repeat(64)}`,
  ])('%s is a name the launcher uses', (name) => {
    expect(isSecretName(name)).toBe(true);
    expect(assertSecretName(name)).toBe(name);
  });

  test.each([
    ['empty', ''],
    ['unknown fixed name', 'api-key'],
    ['prefix without a name', 'agent-token:'],
    ['upper case', 'local:MyKey'],
    ['a second colon', 'local:a:b'],
    ['a slash', 'agent-token:../x'],
    ['leading dot', 'local:.hidden'],
    ['whitespace', 'local:my key'],
    ['control character', 'local:a\nb'],
    ['65 characters', `local:${'a'.repeat(65)}`],
    ['fixed name with a suffix', 'ca-key:2'],
  ])('%s is refused', (_why, name) => {
    expect(isSecretName(name)).toBe(false);
    expect(() => assertSecretName(name)).toThrow(SecretStoreError);
  });

  test('the error has a stable code and never repeats the rejected text (it may be a value passed by mistake)', () => {
    const mistaken = 'sk-ant-api03-THIS-IS-A-VALUE';
    try {
      assertSecretName(mistaken);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'invalid_name', fix: expect.stringMatching(/agent-token:<name>/) });
      expect(String(err)).not.toContain(mistaken);
      expect(JSON.stringify(err)).not.toContain(mistaken);
    }
  });

  test('agent and local names are built from their parts, and checked', () => {
    expect(agentTokenName('claude')).toBe('agent-token:claude');
    expect(localSecretName('openai')).toBe('local:openai');
    expect(() => agentTokenName('Claude Code')).toThrow(/Not a secret name/);
    expect(() => localSecretName('')).toThrow(SecretStoreError);
  });

  test('MemorySecretStore validates names like the real stores', async () => {
    const store = new MemorySecretStore({ 'ca-key': 'pem' });
    expect(await store.get('ca-key')).toBe('pem');
    await expect(store.set('bogus' as never, 'v')).rejects.toMatchObject({ code: 'invalid_name' });
    expect(await store.delete('ca-key')).toBe(true);
    expect(await store.delete('ca-key')).toBe(false);
    expect(store.names()).toEqual([]);
  });
});
