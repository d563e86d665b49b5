export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The popover's size: what the UI is designed for. */
export const POPOVER_SIZE = { width: 380, height: 560 } as const;

/**
 * Where the popover goes: centred under the tray icon, kept inside the display's work area.
 * `getBounds()` of a tray can be all zeros (reported on some setups), so the top-right corner of
 * the work area is the fallback. Pure, so it is tested without a display.
 */
export function positionUnderTray(tray: Rect, size: { width: number; height: number }, workArea: Rect): { x: number; y: number } {
  const margin = 4;
  const clampX = (x: number) => Math.min(Math.max(x, workArea.x + margin), workArea.x + workArea.width - size.width - margin);
  if (tray.width === 0 && tray.height === 0) return { x: clampX(workArea.x + workArea.width), y: workArea.y + margin };
  const x = clampX(Math.round(tray.x + tray.width / 2 - size.width / 2));
  // Menu bar at the top (macOS): below the icon. Taskbar at the bottom: above it.
  const below = tray.y + tray.height + margin;
  const y = below + size.height <= workArea.y + workArea.height ? below : Math.max(workArea.y + margin, tray.y - size.height - margin);
  return { x, y };
}
