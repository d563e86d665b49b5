import { describe, expect, test } from 'vitest';
import { handleControlCall, isOurFrame, registerControlBridge } from '../../../src/main/ipc-bridge.js';
import { IPC } from '../../../src/shared/ipc-channels.js';
import type { LauncherCore } from '../../../src/core/launcher-core.js';
import { memoryLog } from '../../support/memory-log.js';

const mapping = { host: 'api.anthropic.com', reference: 'local://k', rule: { type: 'x-api-key' }, createdAt: '2026-11-25T00:00:00.000Z' };
const core = { mappings: { list: () => [{ ...mapping, header: 'x-api-key' }] } } as unknown as LauncherCore;
const ours = { senderFrame: { url: 'app://onecli/index.html' } } as never;

describe('IPC bridge', () => {
  test('only frames of the popover origin count as ours', () => {
    expect(isOurFrame({ url: 'app://onecli/index.html#/mappings' })).toBe(true);
    for (const url of ['https://evil.example/', 'file:///app/index.html', 'app://other/index.html', 'not a url', 'http://127.0.0.1:10256/'])
      expect(isOurFrame({ url })).toBe(false);
    expect(isOurFrame(null)).toBe(false);
  });

  test('a call from another frame is refused before anything runs', async () => {
    expect(await handleControlCall(core, { senderFrame: { url: 'https://evil.example/' } } as never, { method: 'mappings.list', params: {} })).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: expect.stringMatching(/not the OneCLI popover/) },
    });
  });

  test('payloads are validated with the shared schemas', async () => {
    expect(await handleControlCall(core, ours, { method: 'nope', params: {} })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await handleControlCall(core, ours, { method: 'mappings.add', params: { host: 'x' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringMatching(/^reference/) },
    });
    expect(await handleControlCall(core, ours, 'mappings.list')).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await handleControlCall(core, ours, { method: 'ui.loginUrl', params: {} })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  test('a valid call from the popover reaches the core handler', async () => {
    expect(await handleControlCall(core, ours, { method: 'mappings.list', params: {} })).toEqual({ ok: true, result: [{ ...mapping, header: 'x-api-key' }] });
  });

  test('an unexpected failure is logged (redacted) and the popover gets a sentence that points at the log', async () => {
    const failing = {
      mappings: {
        list: () => {
          throw Object.assign(new Error('keyring said: Authorization: Bearer sk-live-leaked-0123456789abcdef'), { code: 'EKEYRING' });
        },
      },
    } as unknown as LauncherCore;
    const memory = memoryLog();
    expect(await handleControlCall(failing, ours, { method: 'mappings.list', params: {} }, memory.log)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'The launcher failed to do that; see its log (Settings → Log).' },
    });
    expect(memory.records).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'control call failed',
        method: 'mappings.list',
        err: { code: 'EKEYRING', message: 'keyring said: Authorization: [redacted]' },
      }),
    ]);
    expect(memory.lines.join('')).not.toContain('sk-live-leaked');
  });

  test('registered on the shared channel name', () => {
    const channels: string[] = [];
    registerControlBridge({ handle: ((c: string) => void channels.push(c)) as never }, core);
    expect(channels).toEqual([IPC.call]);
  });
});
