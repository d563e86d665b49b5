import { createContext, useContext } from 'react';
import type { ScreenId } from './screen-props.js';

/** Switches the popover to another screen; absent outside the main shell (onboarding). */
export const NavigationContext = createContext<((screen: ScreenId) => void) | undefined>(undefined);

export function useNavigate(): ((screen: ScreenId) => void) | undefined {
  return useContext(NavigationContext);
}
