import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { app, BrowserWindow, calls, ipcMain, Tray, utilityProcess } from '../../support/electron-stub.js';
import { IPC } from '../../../src/shared/ipc-channels.js';

/**
 * Boots src/main/index.ts against the electron stub: the real core (settings, CA, agents,
 * supervisor) with a stub utility process that answers like the gateway.
 */
test('the shell wires tray, popover, IPC, protocol and a utility-process gateway', async () => {
  expect(existsSync(path.resolve(import.meta.dirname, '../../../dist/gateway/main.js'))).toBe(true);
  await import('../../../src/main/index.js');
  expect(calls.find((c) => c.method === 'protocol.registerSchemesAsPrivileged')?.args[0]).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
  app.fireReady();
  const deadline = Date.now() + 10_000;
  while (!utilityProcess.forks.at(-1)?.child.posted.some((m) => (m as { type: string }).type === 'configure') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  const fork = utilityProcess.forks.at(-1)!;
  expect(fork.modulePath).toBe(path.resolve(import.meta.dirname, '../../../dist/gateway/main.js'));
  expect(fork.options.disclaim).toBeUndefined();
  expect(fork.options.env).not.toHaveProperty('OP_SERVICE_ACCOUNT_TOKEN');

  const popover = BrowserWindow.created.at(-1)!;
  expect(popover.options).toMatchObject({ width: 380, height: 560, frame: false, show: false, webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false } });
  expect((popover.options.webPreferences as { preload: string }).preload).toMatch(/dist\/main\/preload\.cjs$/);
  expect(popover.loadedUrl).toBe('app://onecli/index.html');
  expect(ipcMain.handlers.has(IPC.call)).toBe(true);
  expect(calls.some((c) => c.method === 'protocol.handle' && c.args[0] === 'app')).toBe(true);
  expect(calls.some((c) => c.method === 'setPermissionRequestHandler')).toBe(true);
  expect(calls.some((c) => c.method === 'app.dock.hide')).toBe(true);

  // The tray follows the gateway: running once the stub gateway said ready.
  const tray = Tray.created.at(-1)!;
  while (!tray.images.some((i) => i.endsWith('tray-runningTemplate.png')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(tray.images.at(-1)).toMatch(/tray-runningTemplate\.png$/);
  tray.emit('click');
  expect(popover.visible).toBe(true);
  expect(popover.position).toEqual([821, 26]);

  // Right click: the menu a menu-bar app needs (no updater in an unpackaged run).
  tray.emit('right-click');
  expect(tray.menus.at(-1)?.template.map((i) => i.label).filter(Boolean)).toEqual(['Open OneCLI', 'Quit OneCLI']);

  // A call from the popover over IPC reaches the real core.
  const handler = ipcMain.handlers.get(IPC.call)!;
  const reply = (await handler({ senderFrame: { url: 'app://onecli/index.html' } }, { method: 'status.get', params: {} })) as { ok: boolean; result: { gateway: { state: string } } };
  expect(reply.ok).toBe(true);
  expect(reply.result.gateway.state).toBe('running');

  // Events reach the page only after it says it is ready.
  const sentBefore = popover.webContents.sent.length;
  ipcMain.emit(IPC.ready, { sender: popover.webContents });
  expect(popover.webContents.sent.length).toBeGreaterThan(sentBefore);

  // Quit is held until the gateway has been told to stop.
  let prevented = false;
  app.emit('will-quit', { preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  while (!calls.some((c) => c.method === 'app.quit') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(fork.child.posted.some((m) => (m as { type: string }).type === 'shutdown')).toBe(true);
  expect(calls.some((c) => c.method === 'app.quit')).toBe(true);
});

