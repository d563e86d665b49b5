import path from 'node:path';

export type TrayState = 'running' | 'degraded' | 'stopped';

/**
 * Template images (black + alpha, names ending in "Template"): macOS recolours them for light
 * and dark menu bars. `@2x` files next to them are picked up automatically.
 */
export function trayIconPath(resourcesDir: string, state: TrayState): string {
  return path.join(resourcesDir, 'tray', `tray-${state}Template.png`);
}

/** Running: the gateway answers. Degraded: it answers but mappings fail, or it is restarting. Stopped: anything else. */
export function trayStateFor(gateway: string, recentErrors: number): TrayState {
  if (gateway === 'running') return recentErrors > 0 ? 'degraded' : 'running';
  if (gateway === 'restarting' || gateway === 'starting') return 'degraded';
  return 'stopped';
}

export const TRAY_TOOLTIP: Record<TrayState, string> = {
  running: 'OneCLI: gateway running',
  degraded: 'OneCLI: needs attention',
  stopped: 'OneCLI: gateway stopped',
};
