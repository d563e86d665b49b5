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

/**
 * The badge beside the icon (macOS shows a tray title as text): how many agents policy refused in
 * the last minutes, empty when none. The tooltip names the latest.
 */
export function trayBadge(denials: readonly { agent: string; host: string }[]): { title: string; tooltip?: string } {
  if (denials.length === 0) return { title: '' };
  const agents = new Set(denials.map((d) => d.agent));
  const latest = denials[0]!;
  return {
    title: String(agents.size),
    tooltip: `OneCLI: ${latest.agent} was refused ${latest.host}${denials.length > 1 ? ` (and ${denials.length - 1} more)` : ''}`,
  };
}
