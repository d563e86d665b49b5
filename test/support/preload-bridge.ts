/**
 * The Electron preload (src/main/preload.cts) as tests run it: the real module's code, compiled
 * the way tsc compiles it (CommonJS), given a stand-in `electron` whose ipcRenderer talks to a
 * test's main side. So what a screen or page gets as `window.onecli` is exactly what the
 * preload makes, error format included: if the preload changes how errors cross, tests see it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ControlBridge } from '../../src/shared/ipc-channels.js';

const PRELOAD = path.resolve(import.meta.dirname, '../../src/main/preload.cts');
/** Compiled once per preload source: loading the TypeScript compiler costs most of a second per test file. */
const CACHE_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/onecli-preload');

/** The part of ipcRenderer the preload may use. */
export interface PreloadIpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
}

let compiled: string | undefined;

/** src/main/preload.cts as CommonJS JavaScript (what `tsc -p tsconfig.build.json` writes to dist/main/preload.cjs). */
export function preloadJs(): string {
  if (compiled !== undefined) return compiled;
  const source = readFileSync(PRELOAD, 'utf8');
  const cached = path.join(CACHE_DIR, `${createHash('sha256').update(source).digest('hex').slice(0, 32)}.cjs`);
  try {
    compiled = readFileSync(cached, 'utf8');
  } catch {
    const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
    compiled = ts.transpileModule(source, {
      fileName: PRELOAD,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`; // parallel test files: write aside, rename into place
    writeFileSync(tmp, compiled);
    renameSync(tmp, cached);
  }
  return compiled;
}

/**
 * `contextBridge.exposeInMainWorld` as Electron documents it: values are copied into the main
 * world, functions are proxied, a returned promise is proxied, and an Error thrown or rejected
 * in the preload arrives as a new Error with its message only (custom properties such as `code`
 * are lost). Self-contained: it is also injected into pages as source text.
 */
export function exposeInMainWorldModel(world: Record<string, unknown>, key: string, api: Record<string, unknown>): void {
  const copy = (value: unknown): unknown => {
    if (typeof value === 'function' || value === undefined) return value;
    return structuredClone(value);
  };
  const copyError = (err: unknown): unknown => (err instanceof Error ? new Error(err.message) : copy(err));
  const proxied: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function') {
      proxied[name] = copy(value);
      continue;
    }
    proxied[name] = (...args: unknown[]) => {
      let out: unknown;
      try {
        out = (value as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        throw copyError(err);
      }
      if (out instanceof Promise) return out.then(copy, (err: unknown) => Promise.reject(copyError(err)));
      return copy(out);
    };
  }
  world[key] = Object.freeze(proxied);
}

/** Runs the real preload in this process; returns what it exposed as `window.onecli`. */
export function loadPreload(ipcRenderer: PreloadIpcRenderer): ControlBridge {
  const world: Record<string, unknown> = {};
  const contextBridge = { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposeInMainWorldModel(world, key, api) };
  const requireStub = (id: string) => {
    if (id === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`a sandboxed preload can require only electron, not ${id}`);
  };
  const module = { exports: {} };
  // The preload's own compiled code, run as Electron runs a sandboxed preload: a function of require, module, exports.
  new Function('require', 'module', 'exports', preloadJs())(requireStub, module, module.exports);
  const exposed = world.onecli as ControlBridge | undefined;
  if (!exposed) throw new Error('the preload exposed no window.onecli');
  return exposed;
}

/**
 * The same preload for a page (an init script): `window.onecli` comes from the real preload
 * code, its ipcRenderer goes to Playwright bindings the test serves from Node:
 * `__onecliIpcInvoke(channel, payload)` answers invokes with `{ value }`, or `{ threw }` (the
 * main side's error as text, which ipcRenderer wraps as Electron does); `__onecliIpcSend(channel)`
 * hears sends; the test delivers main → renderer messages with `window.__onecliIpcEmit(channel, payload)`.
 */
export function preloadPageScript(): string {
  return `(() => {
    const exposeInMainWorldModel = ${exposeInMainWorldModel.toString()};
    const listeners = new Map();
    window.__onecliIpcEmit = (channel, payload) => (listeners.get(channel) ?? []).forEach((l) => l({ sender: null }, payload));
    const ipcRenderer = {
      invoke: async (channel, ...args) => {
        const answer = await window.__onecliIpcInvoke(channel, ...args);
        if ('threw' in answer) throw new Error("Error invoking remote method '" + channel + "': " + answer.threw);
        return answer.value;
      },
      on: (channel, listener) => void listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
      removeListener: (channel, listener) => void listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener)),
      send: (channel, ...args) => void window.__onecliIpcSend(channel, ...args),
    };
    const contextBridge = { exposeInMainWorld: (key, api) => exposeInMainWorldModel(window, key, api) };
    const require = (id) => {
      if (id === 'electron') return { contextBridge, ipcRenderer };
      throw new Error('a sandboxed preload can require only electron, not ' + id);
    };
    const module = { exports: {} };
    (function (require, module, exports) {
${preloadJs()}
    })(require, module, module.exports);
  })();`;
}
