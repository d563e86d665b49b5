import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { app, BrowserWindow, calls, dialog, ipcMain, Notification, Tray, utilityProcess } from '../../support/electron-stub.js';
import { IPC } from '../../../src/shared/ipc-channels.js';
import { makeCa } from '../../support/pki.js';

/**
 * Boots src/main/index.ts against the electron stub: the real core (settings, CA, agents,
 * supervisor) with a stub utility process that answers like the gateway. One boot, then the
 * tests walk what a user does in the first minute, in order, and end with a quit.
 */
const ours = { senderFrame: { url: 'app://onecli/index.html' } };
const until = async (done: () => boolean, what: string, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const call = async (method: string, params: object = {}) =>
  (await ipcMain.handlers.get(IPC.call)!(ours, { method, params })) as {
    ok: boolean;
    result?: Record<string, unknown> & { settings?: Record<string, unknown> };
    error?: { code: string; message: string };
  };
const posted = (type: string) => (fork: (typeof utilityProcess.forks)[number]) => fork.child.posted.filter((m) => (m as { type: string }).type === type);
const popover = () => BrowserWindow.created.at(-1)!;
const tray = () => Tray.created.at(-1)!;
/** Errors thrown where nobody catches them: what Electron shows as "A JavaScript error occurred in the main process". */
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(() => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});
afterAll(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
});

describe('the shell booted against the stub', () => {
  test('a re-open while the core starts (Finder, open -a) is served once the popover exists', async () => {
    expect(existsSync(path.resolve(import.meta.dirname, '../../../dist/gateway/main.js'))).toBe(true);
    await import('../../../src/main/index.js');
    expect(calls.find((c) => c.method === 'protocol.registerSchemesAsPrivileged')?.args[0]).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true } },
    ]);
    // Registered right after the single-instance lock, before ready and before the core opens.
    expect(app.listenerCount('second-instance')).toBe(1);
    expect(app.listenerCount('activate')).toBe(1);
    expect(app.listenerCount('window-all-closed')).toBe(1);
    app.emit('activate', {}, false);
    app.fireReady();
    await until(() => posted('configure')(utilityProcess.forks.at(-1) ?? ({ child: { posted: [] } } as never)).length > 0, 'the gateway to be configured');
    await until(() => BrowserWindow.created.length > 0 && popover().visible, 'the popover to show');
  });

  test('tray, popover, IPC, protocol and a utility-process gateway are wired', async () => {
    const fork = utilityProcess.forks.at(-1)!;
    expect(fork.modulePath).toBe(path.resolve(import.meta.dirname, '../../../dist/gateway/main.js'));
    expect(fork.options.disclaim).toBeUndefined();
    expect(fork.options.execArgv).toEqual([
      '--js-flags=--max-semi-space-size=4 --heap-growing-percent=20 --no-wasm-tier-up --no-wasm-dynamic-tiering --expose-gc',
    ]);
    expect(fork.options.env).not.toHaveProperty('OP_SERVICE_ACCOUNT_TOKEN');

    const window = popover();
    expect(window.options).toMatchObject({
      width: 380,
      height: 560,
      frame: false,
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: true },
    });
    expect((window.options.webPreferences as { preload: string }).preload).toMatch(/dist\/main\/preload\.cjs$/);
    expect(window.loadedUrl).toBe('app://onecli/index.html');
    expect(window.workspaces).toEqual([[true, { visibleOnFullScreen: true, skipTransformProcessType: true }]]);
    expect(ipcMain.handlers.has(IPC.call)).toBe(true);
    expect(calls.some((c) => c.method === 'protocol.handle' && c.args[0] === 'app')).toBe(true);
    expect(calls.some((c) => c.method === 'setPermissionRequestHandler')).toBe(true);
    expect(calls.some((c) => c.method === 'app.dock.hide')).toBe(true);

    // The tray follows the gateway: running once the stub gateway said ready.
    await until(() => tray().images.some((i) => i.endsWith('tray-runningTemplate.png')), 'the running icon');
    expect(tray().images.at(-1)).toMatch(/tray-runningTemplate\.png$/);
    expect(tray().ignoreDoubleClicks).toBe(true);
    window.hide();
    tray().click();
    expect(window.visible).toBe(true);
    expect(window.position).toEqual([821, 26]);
    tray().click();
    expect(window.visible).toBe(false);

    // Right click, and Ctrl-click (the Mac's right click): the menu (no updater in an unpackaged run).
    tray().emit('right-click');
    tray().click({ ctrlKey: true });
    expect(tray().menus.map((m) => m.template.map((i) => i.label).filter(Boolean))).toEqual([
      ['Open OneCLI', 'Quit OneCLI'],
      ['Open OneCLI', 'Quit OneCLI'],
    ]);
    expect(window.visible).toBe(false);

    const reply = await call('status.get');
    expect(reply.ok).toBe(true);
    expect((reply.result as { gateway: { state: string } }).gateway.state).toBe('running');

    // Events reach the page only after it says it is ready.
    const sentBefore = window.webContents.sent.length;
    ipcMain.emit(IPC.ready, { sender: window.webContents });
    expect(window.webContents.sent.length).toBeGreaterThan(sentBefore);
  });

  test('Cmd+W hides the popover; the app keeps running', () => {
    const window = popover();
    tray().click();
    window.close(); // what "Close Window" in Electron's default menu does
    expect(window.isDestroyed()).toBe(false);
    expect(window.visible).toBe(false);
    expect(app.exited).toBe(false);
    expect(calls.some((c) => c.method === 'app.quit')).toBe(false);
  });

  test('another app becoming active hides the popover; a re-open or second launch shows it', () => {
    const window = popover();
    tray().click();
    app.emit('did-resign-active', {});
    expect(window.visible).toBe(false);
    app.emit('activate', {}, false);
    expect(window.visible).toBe(true);
    window.hide();
    app.emit('second-instance', {}, [], '/');
    expect(window.visible).toBe(true);
  });

  test('the log is a file under app.getPath("logs"), and the UI can reveal it', async () => {
    const file = path.join(app.getPath('logs'), 'launcher.log');
    expect(existsSync(file)).toBe(true);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; msg?: string });
    expect(lines.some((l) => l.msg === 'OneCLI started' && l.level === 'info')).toBe(true);
    const settings = await call('settings.get');
    expect(settings.result).toMatchObject({ logFile: file, capabilities: { revealFiles: true, chooseFiles: true } });
    expect(await call('system.revealLog')).toEqual({ ok: true, result: { revealed: true, file } });
    expect(calls.filter((c) => c.method === 'shell.showItemInFolder').map((c) => c.args[0])).toEqual([file]);
  });

  test('the extra CA is chosen in a dialog on the popover, checked, kept, and reaches the restarted gateway', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onecli-extra-ca-'));
    const ca = await makeCa('Corp Intercept CA');
    writeFileSync(path.join(dir, 'corp.pem'), ca.certPem);
    writeFileSync(path.join(dir, 'key.pem'), ca.keyPem);
    const forksBefore = utilityProcess.forks.length;

    dialog.nextOpenFile = undefined; // Cancel: nothing changes
    expect(await call('settings.chooseExtraCa')).toMatchObject({ ok: true, result: { chosen: false } });

    dialog.nextOpenFile = path.join(dir, 'key.pem');
    const refused = await call('settings.chooseExtraCa');
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringMatching(/PRIVATE KEY block, not only certificates.*keep any private key out of it/) },
    });

    dialog.nextOpenFile = path.join(dir, 'corp.pem');
    const chosen = await call('settings.chooseExtraCa');
    expect(chosen).toMatchObject({
      ok: true,
      result: {
        chosen: true,
        settings: { extraCa: { file: path.join(dir, 'corp.pem'), state: 'ok', detail: expect.stringMatching(/1 certificate\(s\): CN=Corp Intercept CA/) } },
      },
    });
    const dialogs = calls.filter((c) => c.method === 'dialog.showOpenDialog');
    expect(dialogs.at(-1)?.args[0]).toBe(popover()); // a sheet on the popover
    expect(dialogs.at(-1)?.args[1]).toMatchObject({ properties: ['openFile'], filters: [{ extensions: ['pem', 'crt', 'cer'] }] });

    await until(() => utilityProcess.forks.length > forksBefore && posted('configure')(utilityProcess.forks.at(-1)!).length > 0, 'the restarted gateway');
    const config = (posted('configure')(utilityProcess.forks.at(-1)!)[0] as { config: { extraCaPem?: string } }).config;
    expect(config.extraCaPem).toContain(ca.certPem.trim().split('\n')[1]);
    expect(config.extraCaPem).not.toContain('PRIVATE KEY');
  });

  test('a notification macOS refuses is logged and shown in the UI once, until dismissed', async () => {
    Notification.failWith = 'Notifications are not allowed for this application';
    const fork = utilityProcess.forks.at(-1)!;
    const failing = (at: number, mapping: string) => ({
      type: 'activity',
      entries: [{ at, agent: 'default', door: 'proxy', method: 'GET', host: `${mapping}:443`, mapping, status: 502, ms: 1, error: 'auth_required' }],
    });
    fork.child.emit('message', failing(Date.now(), 'api.one.example'));
    await until(() => calls.some((c) => c.method === 'Notification.show'), 'a notification');
    await until(
      () =>
        ((window) =>
          (window.webContents.sent as { payload: { type: string; status?: { notices?: unknown[] } } }[]).some((m) => m.payload.status?.notices?.length))(
          popover(),
        ),
      'the notice to reach the page',
    );
    fork.child.emit('message', failing(Date.now(), 'api.two.example'));
    await until(() => calls.filter((c) => c.method === 'Notification.show').length === 2, 'a second notification');
    await new Promise((r) => setTimeout(r, 20));
    const status = (await call('status.get')).result as { notices?: { id: string; fix: string }[] };
    expect(status.notices).toEqual([expect.objectContaining({ id: 'notifications-failed', fix: expect.stringMatching(/System Settings → Notifications/) })]);
    const log = readFileSync(path.join(app.getPath('logs'), 'launcher.log'), 'utf8');
    expect(log.match(/macOS did not show a notification/g)).toHaveLength(2);

    expect(await call('notices.dismiss', { id: 'notifications-failed' })).toEqual({ ok: true, result: { ok: true } });
    fork.child.emit('message', failing(Date.now(), 'api.three.example'));
    await until(() => calls.filter((c) => c.method === 'Notification.show').length === 3, 'a third notification');
    await new Promise((r) => setTimeout(r, 20));
    expect(((await call('status.get')).result as { notices?: unknown[] }).notices).toBeUndefined();
    expect(await call('notices.dismiss', { id: 'not-a-notice' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    Notification.failWith = undefined;
  });

  test('an agent that asks: a notification, a click opens the popover, and the answer reaches the gateway (issue 12)', async () => {
    const fork = utilityProcess.forks.at(-1)!;
    expect(await call('mappings.add', { host: 'api.anthropic.com', reference: 'local://anthropic' })).toMatchObject({ ok: true });
    expect(await call('agents.update', { name: 'default', policy: 'ask' })).toMatchObject({ ok: true, result: { policy: 'ask' } });
    await until(() => posted('set-agents')(fork).some((m) => JSON.stringify(m).includes('"ask":true')), 'the policy to reach the gateway');
    popover().hide();
    const before = Notification.created.length;
    fork.child.emit('message', { type: 'approval-request', requestId: 7, agent: 'default', mappingId: 'api.anthropic.com' });
    await until(() => Notification.created.length > before, 'a notification');
    const notification = Notification.created.at(-1)!;
    expect(notification.options.title).toBe('default wants to use Anthropic');
    expect(notification.options.body).not.toMatch(/oc_|sk-/);
    await until(
      () =>
        (popover().webContents.sent as { payload: { type: string; pending?: unknown[] } }[]).some(
          (m) => m.payload.type === 'approvals' && m.payload.pending?.length === 1,
        ),
      'the card to reach the page',
    );
    notification.emit('click');
    expect(popover().visible).toBe(true);
    const pending = (await call('approvals.list')).result as unknown as { id: string; agent: string }[];
    expect(pending).toEqual([expect.objectContaining({ agent: 'default', mapping: 'api.anthropic.com', service: 'Anthropic' })]);
    expect(await call('approvals.decide', { id: pending[0]!.id, decision: 'session' })).toMatchObject({ ok: true, result: { decision: 'session' } });
    await until(() => posted('approval')(fork).length > 0, 'the answer to reach the gateway');
    expect(posted('approval')(fork)).toEqual([{ type: 'approval', requestId: 7, decision: 'session', expiresAt: expect.any(Number) }]);
    expect(await call('agents.update', { name: 'default', policy: 'allow' })).toMatchObject({ ok: true });
  });

  test('an agent refused by egress policy: a badge on the tray, and its fix one click away in the tray menu (issue 14)', async () => {
    const fork = utilityProcess.forks.at(-1)!;
    expect(await call('agents.egress', { name: 'default', mode: 'allowlist' })).toMatchObject({ ok: true });
    const refusal = { agent: 'default', door: 'tunnel', method: 'CONNECT', host: 'paste.example', mapping: null, status: 403, ms: 1 };
    fork.child.emit('message', {
      type: 'activity',
      entries: [{ ...refusal, at: Date.now(), error: 'egress_denied', decision: 'egress_denied', rule: 'egress allowlist' }],
    });
    await until(() => tray().title === '1', 'the badge');
    expect(tray().tooltip).toBe('OneCLI: default was refused paste.example');
    tray().emit('right-click');
    const menu = tray().menus.at(-1)!.template;
    const fix = menu.find((item) => item.label === 'Allow paste.example for default');
    expect(fix).toBeDefined();
    fix!.click!();
    await until(() => posted('set-agents')(fork).some((m) => JSON.stringify(m).includes('"paste.example"')), 'the allowed host to reach the gateway');
    expect(((await call('agents.list')).result as unknown as { name: string; egress: unknown }[]).find((a) => a.name === 'default')?.egress).toEqual({
      mode: 'allowlist',
      hosts: ['paste.example'],
    });
    expect(await call('agents.egress', { name: 'default', mode: 'open', remove: ['paste.example'] })).toMatchObject({ ok: true });
  });

  test('quit: the window closes first, the gateway is stopped, and nothing is sent to the destroyed page', async () => {
    const window = popover();
    const fork = utilityProcess.forks.at(-1)!;
    app.quit(); // Cmd+Q, or Quit OneCLI in the tray menu
    expect(window.isDestroyed()).toBe(true);
    expect(app.exited).toBe(false); // held until the gateway has stopped
    // The gateway still talks while it stops: its activity and status must not reach the dead window.
    fork.child.emit('message', {
      type: 'activity',
      entries: [{ at: Date.now(), agent: 'default', door: 'proxy', method: 'GET', host: 'h:443', mapping: null, status: 200, ms: 1 }],
    });
    await until(() => app.exited, 'the app to exit');
    expect(posted('shutdown')(fork).length).toBe(1);
    expect(tray().isDestroyed()).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(uncaught).toEqual([]);
  });
});
