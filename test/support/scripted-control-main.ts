/**
 * The Electron main side of the control API for tests that script the launcher's answers: it
 * takes `invoke`s on the shared channel, parses them with the same schemas as the real bridge
 * (src/main/ipc-bridge.ts), answers in the bridge's reply shape (ControlReply: errors as data
 * with their code and message), and checks every answer and event against the contract. A call
 * the contract refuses, or an answer or event it does not allow, is a violation: tests expect none.
 */
import type { z } from 'zod';
import { CONTROL_METHODS, ControlErrorCode, ControlEvent, type ControlMethod, type ControlResult } from '../../src/shared/control-api.js';
import { ControlCall, ControlReply, IPC } from '../../src/shared/ipc-channels.js';
import type { PreloadIpcRenderer } from './preload-bridge.js';
import type { Remedy } from '../../src/shared/remedy.js';

/** A method's params after parsing (defaults applied), as a handler gets them. */
export type ParsedParams<M extends ControlMethod> = z.output<(typeof CONTROL_METHODS)[M]['params']>;
export type Answer<M extends ControlMethod> = (params: ParsedParams<M>) => ControlResult<M> | Promise<ControlResult<M>>;
export type Answers = { [M in ControlMethod]?: Answer<M> };

/** An expected failure, as a core handler throws one (a ControlError: a stable code and what to do). */
export class ControlRefusal extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    readonly remedy?: Remedy,
  ) {
    super(message);
  }
}
export const refusal = (code: ControlErrorCode, message: string, remedy?: Remedy) => new ControlRefusal(code, message, remedy);

/** What the real bridge says for an error that is not a ControlError. */
export const UNEXPECTED_FAILURE = 'The launcher failed to do that; see its log (Settings → Log).';

export interface ScriptedControlMain {
  /** Every call that reached the main side, in order, with the params as sent. */
  readonly calls: { method: ControlMethod; params: unknown }[];
  /** Contract breaches (bad params from the UI, answers or events outside the schemas). */
  readonly violations: string[];
  /** What ipcRenderer.invoke reaches (Electron's ipcMain.handle registry, for our one channel). */
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Replaces how a method is answered from now on. */
  answer<M extends ControlMethod>(method: M, fn: Answer<M>): void;
  callsOf(method: ControlMethod): unknown[];
  /** main → renderer: a ControlEvent to every listening renderer. */
  emit(event: ControlEvent): void;
  /** A renderer's ipcRenderer, wired to this main side. */
  ipcRenderer(): PreloadIpcRenderer;
  /** Channels renderers `send` on (the preload's ready signal). */
  readonly sent: string[];
}

export function scriptedControlMain(initial: Answers): ScriptedControlMain {
  const answers = new Map<ControlMethod, (p: unknown) => unknown>(Object.entries(initial) as [ControlMethod, (p: unknown) => unknown][]);
  const calls: ScriptedControlMain['calls'] = [];
  const violations: string[] = [];
  const sent: string[] = [];
  const eventListeners = new Set<(event: unknown, payload: unknown) => void>();

  async function handleCall(raw: unknown): Promise<ControlReply> {
    const call = ControlCall.safeParse(raw);
    if (!call.success) {
      violations.push(`malformed control call: ${JSON.stringify(raw)}`);
      return { ok: false, error: { code: 'invalid_params', message: 'Malformed control call.' } };
    }
    const { method } = call.data;
    calls.push({ method, params: call.data.params });
    const params = CONTROL_METHODS[method].params.safeParse(call.data.params ?? {});
    if (!params.success) {
      const issue = params.error.issues[0];
      violations.push(`${method}: params the contract refuses: ${JSON.stringify(call.data.params)}`);
      return { ok: false, error: { code: 'invalid_params', message: `${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}` } };
    }
    const answer = answers.get(method);
    if (!answer) {
      violations.push(`${method}: called, but this test scripted no answer`);
      return { ok: false, error: { code: 'internal', message: UNEXPECTED_FAILURE } };
    }
    try {
      const result = await answer(params.data);
      if (!CONTROL_METHODS[method].result.safeParse(result).success)
        violations.push(`${method}: the scripted answer is not a valid result: ${JSON.stringify(result)}`);
      return { ok: true, result };
    } catch (err) {
      if (err instanceof ControlRefusal) return { ok: false, error: { code: err.code, message: err.message, ...(err.remedy ? { remedy: err.remedy } : {}) } };
      return { ok: false, error: { code: 'internal', message: UNEXPECTED_FAILURE } };
    }
  }

  const main: ScriptedControlMain = {
    calls,
    violations,
    sent,
    async invoke(channel, payload) {
      // Electron's ipcMain.handle registry: one handler per channel; the renderer sees a rejection otherwise.
      if (channel !== IPC.call) throw new Error(`No handler registered for '${channel}'`);
      return ControlReply.parse(await handleCall(payload));
    },
    answer(method, fn) {
      answers.set(method, fn as (p: unknown) => unknown);
    },
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.params),
    emit(event) {
      if (!ControlEvent.safeParse(event).success) violations.push(`an event the contract refuses: ${JSON.stringify(event)}`);
      for (const listener of eventListeners) listener({ sender: null }, event);
    },
    ipcRenderer: () => ({
      // ipcRenderer.invoke rejects as Electron does: "Error invoking remote method '<channel>': <the main side's error>".
      invoke: async (channel, ...args) => {
        try {
          return structuredClone(await main.invoke(channel, args[0]));
        } catch (err) {
          // eslint-disable-next-line preserve-caught-error -- Electron's rejection carries the main side's error as text only
          throw new Error(`Error invoking remote method '${channel}': ${String(err)}`);
        }
      },
      on: (channel, listener) => {
        if (channel === IPC.event) eventListeners.add(listener);
      },
      removeListener: (channel, listener) => {
        if (channel === IPC.event) eventListeners.delete(listener);
      },
      send: (channel) => void sent.push(channel),
    }),
  };
  return main;
}
