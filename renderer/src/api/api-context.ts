import { createContext, useContext } from 'react';
import type { ControlTransport } from '../../../src/shared/control-api.js';

export const ApiContext = createContext<ControlTransport | null>(null);

/** The control-API transport (IPC or HTTP); the only way screens reach the launcher. */
export function useApi(): ControlTransport {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiContext.Provider> above it');
  return api;
}
