import { describe, expect, test } from 'vitest';
import { parseOpReference, requireOpName, requireOpReference } from '../../../src/core/vault/op-reference.js';
import { VaultError } from '../../../src/core/vault/vault-error.js';

describe('op:// references are checked before any op process is spawned', () => {
  test.each([
    ['op://API Keys/Anthropic/credential', { vault: 'API Keys', item: 'Anthropic', section: undefined, field: 'credential', query: undefined }],
    ['op://API Keys/Anthropic/Admin/credential', { vault: 'API Keys', item: 'Anthropic', section: 'Admin', field: 'credential' }],
    ['op://v/i/one-time password?attribute=otp', { field: 'one-time password', query: 'attribute=otp' }],
    ['op://v/i/s/key?ssh-format=openssh', { section: 's', query: 'ssh-format=openssh' }],
    ['op://fakevault_01/item.v2/f-1', { vault: 'fakevault_01', item: 'item.v2', field: 'f-1' }],
  ])('accepts %s', (ref, parts) => {
    expect(parseOpReference(ref)).toMatchObject(parts);
  });

  test.each([
    ['no prefix', 'API Keys/Anthropic/credential'],
    ['wrong scheme', 'op:/v/i/f'],
    ['too few segments', 'op://onlyvault'],
    ['two segments', 'op://v/i'],
    ['five segments', 'op://v/i/s/f/x'],
    ['an empty segment', 'op://v//f'],
    ['a trailing slash', 'op://v/i/f/'],
    ['a parenthesis', 'op://MCP/Neon API Key (pull.fm)/password'],
    ['a quote', "op://v/it's/f"],
    ['a newline', 'op://v/i/f\n--help'],
    ['an unknown attribute', 'op://v/i/f?attribute=bogus'],
    ['an empty string', ''],
  ])('rejects %s', (_name, ref) => {
    expect(parseOpReference(ref)).toBeUndefined();
    expect(() => requireOpReference(ref)).toThrow(VaultError);
  });

  test('the bad_reference fix never echoes what was typed: it may be a pasted secret', () => {
    const pasted = 'sk-ant-FAKE-pasted-into-the-wrong-box';
    const err = (() => {
      try {
        requireOpReference(pasted);
      } catch (e) {
        return e as VaultError;
      }
    })();
    expect(err?.code).toBe('bad_reference');
    expect(err?.fix).toMatch(/op:\/\/vault\/item\/\[section\/\]field/);
    expect(err?.message).not.toContain(pasted);
  });
});

describe('vault and item IDs handed to op as arguments', () => {
  test('a leading "-" would be read as a flag, so it is refused', () => {
    expect(() => requireOpName('vault', '--format=human-readable')).toThrow(expect.objectContaining({ code: 'bad_reference' }));
    expect(() => requireOpName('item', '')).toThrow(VaultError);
    expect(() => requireOpName('item', 'a\nb')).toThrow(VaultError);
    expect(requireOpName('item', 'API Keys')).toBe('API Keys');
  });
});
