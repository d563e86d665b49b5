import { createContext, useContext, type ReactNode } from 'react';
import type { Remedy } from '../../../src/shared/remedy.js';

/**
 * How a failure note shows its remedy. Provided by the main shell (RemedyAction), so notes and
 * forms need not import the actions, some of which are built from those same forms (the
 * connect dialog); absent during onboarding, which is itself the fix.
 */
export const RemedySlot = createContext<((remedy: Remedy) => ReactNode) | undefined>(undefined);

export function useRemedy(remedy: Remedy | undefined): ReactNode {
  const render = useContext(RemedySlot);
  return remedy && render ? render(remedy) : null;
}
