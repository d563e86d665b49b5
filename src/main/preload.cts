// The popover's only door to the app: one narrow typed API. Sandboxed preloads are CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';
import type { ControlBridge, ControlReply } from '../shared/ipc-channels.js';

// Channel names are repeated from src/shared/ipc-channels.ts: a sandboxed preload cannot load
// our ESM modules. test/unit/main/preload-channels.test.ts proves the two lists agree.
const { contextBridge, ipcRenderer } = electron;
const IPC = { call: 'onecli:control-call', event: 'onecli:control-event', ready: 'onecli:renderer-ready' } as const;

const bridge: ControlBridge = {
  // The reply crosses as data, failures included ({ ok: false, error: { code, message, remedy } }):
  // a thrown Error would reach the page as its message only. The renderer parses it (transport/ipc.ts).
  call: async (method, params) => (await ipcRenderer.invoke(IPC.call, { method, params })) as ControlReply,
  subscribe: (onEvent) => {
    const listener = (_event: IpcRendererEvent, payload: unknown) => onEvent(payload);
    ipcRenderer.on(IPC.event, listener);
    ipcRenderer.send(IPC.ready);
    return () => void ipcRenderer.removeListener(IPC.event, listener);
  },
};

contextBridge.exposeInMainWorld('onecli', bridge);
