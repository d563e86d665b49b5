// The popover's only door to the app: one narrow typed API. Sandboxed preloads are CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';
import type { ControlEvent, ControlTransport } from '../shared/control-api.js';

// Channel names are repeated from src/shared/ipc-channels.ts: a sandboxed preload cannot load
// our ESM modules. test/unit/main/preload.test.ts proves the two lists agree.
const { contextBridge, ipcRenderer } = electron;
const IPC = { call: 'onecli:control-call', event: 'onecli:control-event', ready: 'onecli:renderer-ready' } as const;

const bridge: ControlTransport = {
  call: async (method, params) => {
    const reply = (await ipcRenderer.invoke(IPC.call, { method, params })) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
    // Only an Error's message crosses the context bridge, so the code rides in front of it
    // ("<code>: <message>"); the renderer's IPC transport splits them again.
    if (!reply.ok) throw new Error(`${reply.error?.code ?? 'internal'}: ${reply.error?.message ?? 'failed'}`);
    return reply.result as never;
  },
  subscribe: (onEvent) => {
    const listener = (_event: IpcRendererEvent, payload: ControlEvent) => onEvent(payload);
    ipcRenderer.on(IPC.event, listener);
    ipcRenderer.send(IPC.ready);
    return () => void ipcRenderer.removeListener(IPC.event, listener);
  },
};

contextBridge.exposeInMainWorld('onecli', bridge);
