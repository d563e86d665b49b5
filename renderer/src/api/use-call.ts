import { useCallback, useEffect, useRef, useState } from 'react';
import type { ControlMethod, ControlParams, ControlResult } from '../../../src/shared/control-api.js';
import { asCallError, type ControlCallError } from '../transport/control-call-error.js';
import { useApi } from './api-context.js';

export interface QueryState<T> {
  readonly data: T | undefined;
  readonly error: ControlCallError | undefined;
  readonly loading: boolean;
  reload(): void;
}

/** Calls a read method when the component shows (and when its params change); keeps the last data while reloading. */
export function useQuery<M extends ControlMethod>(method: M, params: ControlParams<M>, enabled = true): QueryState<ControlResult<M>> {
  const api = useApi();
  const key = JSON.stringify(params);
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<{ key: string; data?: ControlResult<M>; error?: ControlCallError; loading: boolean }>({ key, loading: enabled });
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    // A reload keeps showing the last data; other params (another vault) start empty.
    setState((s) => (s.key === key ? { key, data: s.data, loading: true } : { key, loading: true }));
    api.call(method, JSON.parse(key) as ControlParams<M>).then(
      (data) => current && setState({ key, data, loading: false }),
      (err: unknown) => current && setState((s) => ({ key, data: s.key === key ? s.data : undefined, error: asCallError(err), loading: false })),
    );
    return () => {
      current = false;
    };
  }, [api, method, key, enabled, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const mine = state.key === key;
  return { data: mine ? state.data : undefined, error: mine ? state.error : undefined, loading: enabled && (!mine || state.loading), reload };
}

export interface ActionState<M extends ControlMethod> {
  readonly busy: boolean;
  readonly error: ControlCallError | undefined;
  readonly result: ControlResult<M> | undefined;
  /** Resolves to the result, or undefined when the call failed (the error is in `error`). */
  run(params: ControlParams<M>): Promise<ControlResult<M> | undefined>;
  reset(): void;
}

/** A method the user triggers (a button): busy while it runs, then its result or its error. */
export function useAction<M extends ControlMethod>(method: M): ActionState<M> {
  const api = useApi();
  const mounted = useRef(false);
  const [state, setState] = useState<{ busy: boolean; error?: ControlCallError; result?: ControlResult<M> }>({ busy: false });
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (params: ControlParams<M>) => {
      setState({ busy: true });
      try {
        const result = await api.call(method, params);
        if (mounted.current) setState({ busy: false, result });
        return result;
      } catch (err) {
        if (mounted.current) setState({ busy: false, error: asCallError(err) });
        return undefined;
      }
    },
    [api, method],
  );
  const reset = useCallback(() => setState({ busy: false }), []);
  return { busy: state.busy, error: state.error, result: state.result, run, reset };
}
