import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { POPOVER_CSP, rendererFile } from '../../../src/main/app-protocol.js';
import { loginItem } from '../../../src/main/login-item.js';
import { createNotifier } from '../../../src/main/notifier.js';
import { POPOVER_SIZE, positionUnderTray } from '../../../src/main/popover-position.js';
import { holdQuitUntilStopped } from '../../../src/main/quit-guard.js';
import { RendererOutbox } from '../../../src/main/renderer-outbox.js';
import { trayIconPath, trayStateFor } from '../../../src/main/tray-icons.js';
import { utilitySpawner } from '../../../src/main/utility-spawner.js';
import { permissionAllowed, restrictPermissions, lockDownContents, secureWebPreferences } from '../../../src/main/window-security.js';
import { IPC } from '../../../src/shared/ipc-channels.js';
import type { ControlEvent, StatusView } from '../../../src/shared/control-api.js';
import { utilityProcess } from '../../support/electron-stub.js';

const status = (state: StatusView['gateway']['state'], reason?: string): ControlEvent => ({
  type: 'status',
  status: {
    gateway: { state, port: 10255, ...(reason ? { reason } : {}) },
    source: { kind: 'none' },
    secretStore: { kind: 'keychain', detail: '' },
    settings: { file: '', health: { kind: 'ok' } },
    mappings: 0,
    agents: 1,
    lastErrors: [],
    policyDenials: [],
  },
});

describe('utility-process spawner', () => {
  test('forks the gateway without disclaiming TCC responsibility, and maps its events', async () => {
    const spawn = utilitySpawner((entry, args, options) => utilityProcess.fork(entry, args, options as Record<string, unknown>) as never);
    const child = spawn('/app/dist/gateway/main.js', { PATH: '/usr/bin' });
    const fork = utilityProcess.forks.at(-1)!;
    expect(fork.modulePath).toBe('/app/dist/gateway/main.js');
    // V8 flags ride in --js-flags: a utility process is not a Node CLI (issue 16, item 11).
    expect(fork.options).toMatchObject({
      env: { PATH: '/usr/bin' },
      execArgv: ['--js-flags=--max-semi-space-size=4 --heap-growing-percent=20 --no-wasm-tier-up --no-wasm-dynamic-tiering --expose-gc'],
      stdio: 'pipe',
      serviceName: 'OneCLI Gateway',
    });
    expect(fork.options.disclaim).toBeUndefined(); // never true: the app's Full Disk Access must cover the gateway
    const messages: unknown[] = [];
    child.onMessage((m) => messages.push(m));
    const exited = new Promise<number | null>((r) => child.onExit((code) => r(code)));
    child.send({ type: 'configure', config: {} as never });
    await new Promise((r) => setImmediate(r));
    expect(messages).toEqual([{ type: 'ready', address: { host: '127.0.0.1', port: 10255 } }]);
    child.kill();
    expect(await exited).toBe(0);
    child.send({ type: 'shutdown' }); // after exit: dropped, not thrown
  });

  test('no module in src/main passes disclaim: true', () => {
    const dir = path.resolve(import.meta.dirname, '../../../src/main');
    for (const file of ['utility-spawner.ts', 'index.ts']) expect(readFileSync(path.join(dir, file), 'utf8')).not.toMatch(/disclaim\s*:\s*true/);
  });
});

describe('popover position', () => {
  const workArea = { x: 0, y: 25, width: 1440, height: 875 };
  test('centred under the icon', () => {
    expect(positionUnderTray({ x: 1000, y: 0, width: 22, height: 22 }, POPOVER_SIZE, workArea)).toEqual({ x: 821, y: 26 });
  });
  test('kept on screen near the right edge', () => {
    expect(positionUnderTray({ x: 1420, y: 0, width: 22, height: 22 }, POPOVER_SIZE, workArea).x).toBe(1440 - 380 - 4);
  });
  test('zero tray bounds fall back to the top-right corner', () => {
    expect(positionUnderTray({ x: 0, y: 0, width: 0, height: 0 }, POPOVER_SIZE, workArea)).toEqual({ x: 1056, y: 29 });
  });
  test('a taskbar at the bottom puts it above the icon', () => {
    expect(positionUnderTray({ x: 600, y: 870, width: 24, height: 30 }, POPOVER_SIZE, { x: 0, y: 0, width: 1440, height: 870 }).y).toBe(870 - 560 - 4);
  });
});

describe('window security', () => {
  test('isolated, sandboxed, no Node in the page; DevTools only when asked (unpackaged runs)', () => {
    expect(secureWebPreferences('/p.cjs', { devTools: false })).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: false,
    });
    expect(secureWebPreferences('/p.cjs', { devTools: true }).devTools).toBe(true);
  });
  test('navigation away and new windows are blocked', () => {
    const handlers = new Map<string, (e: { preventDefault(): void; defaultPrevented?: boolean }, url: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    lockDownContents({
      on: ((ev: string, fn: never) => handlers.set(ev, fn)) as never,
      setWindowOpenHandler: ((fn: () => { action: string }) => (openHandler = fn)) as never,
    });
    const navigate = (url: string) => {
      let prevented = false;
      handlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://onecli/index.html')).toBe(false);
    expect(openHandler!()).toEqual({ action: 'deny' });
  });
  test('only clipboard-sanitized-write, only for the popover origin; everything else is denied', () => {
    type Request = (c: { getURL(): string }, p: string, cb: (ok: boolean) => void, d: { requestingUrl?: string }) => void;
    type Check = (c: unknown, p: string, origin: string, d: { requestingUrl?: string }) => boolean;
    let request: Request | undefined;
    let check: Check | undefined;
    restrictPermissions({
      setPermissionRequestHandler: ((fn: never) => (request = fn)) as never,
      setPermissionCheckHandler: ((fn: never) => (check = fn)) as never,
    });
    const asked = (permission: string, url: string) => {
      let granted: boolean | undefined;
      request!({ getURL: () => url }, permission, (ok) => (granted = ok), { requestingUrl: url });
      return granted;
    };
    expect(asked('clipboard-sanitized-write', 'app://onecli/index.html')).toBe(true);
    for (const permission of ['media', 'clipboard-read', 'notifications', 'geolocation', 'openExternal'])
      expect(asked(permission, 'app://onecli/index.html')).toBe(false);
    expect(asked('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(asked('clipboard-sanitized-write', 'file:///index.html')).toBe(false);
    // Checks come with the requesting origin (no path).
    expect(check!(null, 'clipboard-sanitized-write', 'app://onecli', {})).toBe(true);
    expect(check!(null, 'clipboard-sanitized-write', 'app://evil', {})).toBe(false);
    expect(check!(null, 'clipboard-read', 'app://onecli', {})).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
  });
  test('app:// serves the renderer folder only, with a CSP that allows no network', () => {
    expect(rendererFile('/app/dist/renderer', 'app://onecli/')).toBe('/app/dist/renderer/index.html');
    expect(rendererFile('/app/dist/renderer', 'app://onecli/assets/x.js')).toBe('/app/dist/renderer/assets/x.js');
    expect(rendererFile('/app/dist/renderer', 'app://onecli/..%2f..%2fmain/index.js')).toBeUndefined();
    expect(rendererFile('/app/dist/renderer', 'app://evil/index.html')).toBeUndefined();
    expect(POPOVER_CSP).toMatch(/connect-src 'none'/);
  });
});

describe('renderer outbox', () => {
  test('holds events until ready, keeps only the latest status, then delivers live', () => {
    const delivered: ControlEvent[] = [];
    const outbox = new RendererOutbox((e) => delivered.push(e));
    outbox.post(status('starting'));
    outbox.post({ type: 'activity', entries: [] });
    outbox.post(status('running'));
    expect(delivered).toEqual([]);
    outbox.markReady();
    expect(delivered.map((e) => (e.type === 'status' ? e.status.gateway.state : e.type))).toEqual(['activity', 'running']);
    outbox.markReloading();
    outbox.post(status('failed'));
    expect(delivered).toHaveLength(2);
    outbox.markReady();
    expect(delivered).toHaveLength(3);
  });
});

describe('quit, tray, notifications, login item', () => {
  test('quit waits for the gateway to stop, once', async () => {
    const listeners: ((e: { preventDefault(): void }) => void)[] = [];
    let quits = 0;
    let stops = 0;
    let release: () => void = () => undefined;
    holdQuitUntilStopped(
      { on: ((_: string, fn: never) => listeners.push(fn)) as never, quit: () => void quits++ },
      () => new Promise<void>((r) => (stops++, (release = r))),
      () => undefined,
    );
    let prevented = 0;
    listeners[0]!({ preventDefault: () => void prevented++ });
    listeners[0]!({ preventDefault: () => void prevented++ });
    expect([prevented, stops, quits]).toEqual([2, 1, 0]);
    release();
    await new Promise((r) => setImmediate(r));
    expect(quits).toBe(1);
    listeners[0]!({ preventDefault: () => void prevented++ });
    expect(prevented).toBe(2); // the second will-quit goes through
  });

  test('tray state and template icon names', () => {
    expect(trayStateFor('running', 0)).toBe('running');
    expect(trayStateFor('running', 3)).toBe('degraded');
    expect(trayStateFor('restarting', 0)).toBe('degraded');
    expect(trayStateFor('failed', 0)).toBe('stopped');
    expect(trayIconPath('/r', 'running')).toBe('/r/tray/tray-runningTemplate.png');
  });

  test('notifications: gateway failure once, a failing mapping at most every ten minutes, never a value', () => {
    const shown: string[] = [];
    let now = 0;
    const notifier = createNotifier(
      (title, body) => shown.push(`${title}|${body}`),
      () => now,
    );
    notifier(status('failed', 'cannot listen on port 10255 (EADDRINUSE)'));
    notifier(status('failed', 'again'));
    const failing: ControlEvent = {
      type: 'activity',
      entries: [{ at: 0, agent: 'a', door: 'proxy', method: 'GET', host: 'h:443', mapping: 'api.x', status: 502, ms: 1, error: 'auth_required' }],
    };
    notifier(failing);
    notifier(failing);
    now += 11 * 60_000;
    notifier(failing);
    expect(shown).toEqual([
      'OneCLI gateway stopped|cannot listen on port 10255 (EADDRINUSE)',
      'OneCLI: api.x is failing|Requests get auth_required. Open OneCLI to see what to do.',
      'OneCLI: api.x is failing|Requests get auth_required. Open OneCLI to see what to do.',
    ]);
  });

  test('a request waiting for approval is notified once, and a click opens the popover where its card is', () => {
    const shown: string[] = [];
    const notifier = createNotifier((title, body, opens) => shown.push(`${title}|${body}|${opens ?? ''}`));
    const card = { id: 'k3m9x2p7qa', agent: 'claude', mapping: 'api.anthropic.com', host: 'api.anthropic.com', requestedAt: 0, expiresAt: 60_000 };
    notifier({ type: 'approvals', pending: [{ ...card, service: 'Anthropic' }] });
    notifier({
      type: 'approvals',
      pending: [
        { ...card, service: 'Anthropic' },
        { ...card, id: 'bbbbbbbbbb', agent: 'ci', mapping: 'api.github.com/repos' },
      ],
    });
    notifier({ type: 'approvals', pending: [] });
    expect(shown).toEqual([
      'claude wants to use Anthropic|api.anthropic.com: open OneCLI in the menu bar to allow it for this session, always, or deny. Its request waits up to a minute.|popover',
      'ci wants to use api.github.com/repos|open OneCLI in the menu bar to allow it for this session, always, or deny. Its request waits up to a minute.|popover',
    ]);
  });

  test('launch at login reports the system status, not our setting: requires-approval is not on', () => {
    const item = (settings: object) => loginItem({ getLoginItemSettings: () => settings as never, setLoginItemSettings: () => undefined }).get();
    expect(item({ openAtLogin: true, status: 'requires-approval' })).toEqual({ enabled: false, status: 'requires-approval' });
    expect(item({ openAtLogin: true, status: 'enabled' })).toEqual({ enabled: true, status: 'enabled' });
    expect(item({ openAtLogin: false, status: 'not-found' })).toEqual({ enabled: false, status: 'not-found' });
    expect(item({ openAtLogin: true })).toEqual({ enabled: true }); // not macOS: no status
    expect(item({ openAtLogin: true, status: 'something-new' })).toEqual({ enabled: true });
  });
});

test('the preload and src/shared name the same IPC channels', () => {
  const preload = readFileSync(path.resolve(import.meta.dirname, '../../../src/main/preload.cts'), 'utf8');
  for (const channel of Object.values(IPC)) expect(preload).toContain(`'${channel}'`);
  expect(preload).toMatch(/exposeInMainWorld\('onecli', bridge\)/);
  expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
});

test('tray menu: update items follow the updater, quit is always there', async () => {
  const { trayMenuTemplate } = await import('../../../src/main/tray-menu.js');
  const labels = (t: ReturnType<typeof trayMenuTemplate>) => t.map((i) => i.label).filter(Boolean);
  const noop = () => undefined;
  expect(labels(trayMenuTemplate({ open: noop, quit: noop }))).toEqual(['Open OneCLI', 'Quit OneCLI']);
  expect(labels(trayMenuTemplate({ open: noop, quit: noop, checkForUpdates: noop }))).toEqual(['Open OneCLI', 'Check for Updates…', 'Quit OneCLI']);
  expect(labels(trayMenuTemplate({ open: noop, quit: noop, checkForUpdates: noop, restartToUpdate: noop }))).toEqual([
    'Open OneCLI',
    'Restart to Update',
    'Quit OneCLI',
  ]);
});
