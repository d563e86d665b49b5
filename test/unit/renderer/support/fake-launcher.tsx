/**
 * Screens rendered against a scripted launcher, reached the way the popover reaches the real
 * one: renderer IPC transport → the real preload (test/support/preload-bridge.ts) → a main side
 * that parses calls and shapes replies like src/main/ipc-bridge.ts. Answers, params and events
 * are checked against src/shared/control-api.ts; a breach fails the test that made it.
 */
import { cleanup, render, type RenderResult } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { afterEach, expect } from 'vitest';
import { ApiContext } from '../../../../renderer/src/api/api-context.js';
import { LiveProvider } from '../../../../renderer/src/api/live-state.js';
import { App } from '../../../../renderer/src/app.js';
import { ipcTransport } from '../../../../renderer/src/transport/ipc.js';
import type { ControlTransport, DoctorCheck, SettingsView, StatusView } from '../../../../src/shared/control-api.js';
import type { ActivityEntry } from '../../../../src/shared/gateway-messages.js';
import { loadPreload } from '../../../support/preload-bridge.js';
import { scriptedControlMain, type Answers, type ScriptedControlMain } from '../../../support/scripted-control-main.js';

export { refusal } from '../../../support/scripted-control-main.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export function statusView(over: DeepPartial<StatusView> = {}): StatusView {
  return {
    ...over,
    gateway: { state: 'running', port: 10255, address: '127.0.0.1:10255', pid: 4242, ...over.gateway },
    source: { kind: 'service-account', ...over.source },
    secretStore: { kind: 'keychain', detail: 'macOS Keychain', ...over.secretStore },
    settings: { file: '/Users/dev/Library/Application Support/OneCLI/settings.json', health: { kind: 'ok' }, ...over.settings },
    mappings: over.mappings ?? 1,
    agents: over.agents ?? 1,
    lastErrors: over.lastErrors ?? [],
    policyDenials: over.policyDenials ?? [],
  } as StatusView;
}

export function settingsView(over: DeepPartial<SettingsView> = {}): SettingsView {
  return {
    ...over,
    gatewayPort: over.gatewayPort ?? 10255,
    onboarded: over.onboarded ?? true,
    launchAtLogin: over.launchAtLogin ?? false,
    checkForUpdates: over.checkForUpdates ?? true,
    dataDir: over.dataDir ?? '/Users/dev/Library/Application Support/OneCLI',
    extraCa: { state: 'none', detail: 'none chosen', ...over.extraCa },
    capabilities: { launchAtLogin: true, updates: true, openLinks: true, chooseFiles: true, revealFiles: true, platform: 'darwin', ...over.capabilities },
  } as SettingsView;
}

export function activityEntry(over: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    at: Date.now() - 5_000,
    agent: 'claude',
    door: 'proxy',
    method: 'POST',
    host: 'api.anthropic.com',
    mapping: 'api.anthropic.com',
    status: 200,
    ms: 412.4,
    ...over,
  };
}

export const okCheck = (id: string, title: string, detail = 'fine'): DoctorCheck => ({ id, title, detail, status: 'ok' });

/** A promise the test settles: a call answered by it stays in flight until then (loading states). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** What every screen's surroundings ask for when the popover opens (LiveProvider). */
const BASE_ANSWERS: Answers = {
  'status.get': () => statusView(),
  'settings.get': () => settingsView(),
  'activity.recent': () => [],
  'doctor.run': () => [],
  'approvals.list': () => [],
  // The agents screen lists mappings for its access editor.
  'mappings.list': () => [],
};

export interface FakeLauncher extends ScriptedControlMain {
  /** window.onecli as the renderer's IPC transport wraps it: what screens get in the app. */
  readonly transport: ControlTransport;
}

/**
 * What Chromium does and happy-dom does not: Escape in an open modal <dialog> fires a
 * cancelable `cancel` on it (then closes it unless cancelled). Our Dialog handles `cancel`.
 */
if (typeof document !== 'undefined') {
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const open = [...document.querySelectorAll('dialog')].filter((d) => d.open).at(-1);
    if (open && open.dispatchEvent(new Event('cancel', { cancelable: true }))) open.close();
  });
}

const launchers: FakeLauncher[] = [];
afterEach(() => {
  cleanup();
  const violations = launchers.splice(0).flatMap((l) => l.violations);
  expect(violations, 'calls, answers and events must keep to the control-API contract').toEqual([]);
});

export function fakeLauncher(answers: Answers = {}): FakeLauncher {
  const main = scriptedControlMain({ ...BASE_ANSWERS, ...answers });
  const launcher = Object.assign(main, { transport: ipcTransport(loadPreload(main.ipcRenderer())) });
  launchers.push(launcher);
  return launcher;
}

/** A screen inside the providers the app puts around it. */
export function renderScreen(ui: ReactElement, answers: Answers = {}): RenderResult & { launcher: FakeLauncher; user: ReturnType<typeof userEvent.setup> } {
  const launcher = fakeLauncher(answers);
  const user = userEvent.setup();
  const result = render(
    <ApiContext.Provider value={launcher.transport}>
      <LiveProvider>{ui}</LiveProvider>
    </ApiContext.Provider>,
  );
  return Object.assign(result, { launcher, user });
}

/** The whole popover (root, onboarding or main shell), as main.tsx mounts it in the app. */
export function renderApp(answers: Answers = {}): RenderResult & { launcher: FakeLauncher; user: ReturnType<typeof userEvent.setup> } {
  const launcher = fakeLauncher(answers);
  const user = userEvent.setup();
  const result = render(<App connection={{ transport: launcher.transport, kind: 'ipc', signInError: undefined, onSignedOut: () => undefined }} />);
  return Object.assign(result, { launcher, user });
}
