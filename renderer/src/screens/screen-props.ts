export type ScreenId = 'status' | 'mappings' | 'agents' | 'activity' | 'doctor' | 'settings';

export interface ScreenProps {
  /** Switch to another screen (a link from one to the other). */
  onNavigate(screen: ScreenId): void;
}
