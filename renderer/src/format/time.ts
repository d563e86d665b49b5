const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** 14:03:27: activity rows. */
export const clockTime = (epochMs: number) => clock.format(epochMs);

/** "Mar 4, 2025": creation dates. */
export const calendarDay = (iso: string) => day.format(new Date(iso));

/** "just now", "5 min ago", "3 h ago", else the day. */
export function timeAgo(epochMs: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - epochMs) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return day.format(epochMs);
}
