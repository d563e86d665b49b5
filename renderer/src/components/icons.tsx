/** Line icons drawn for this app on a 20×20 grid; they inherit the text color. */
const PATHS = {
  status: <path d="M2 10h3.5l2-5 4.5 10 2-5H18" />,
  mappings: (
    <>
      <circle cx="6" cy="10" r="3.5" />
      <path d="M9.5 10H18M15 10v3M17.5 10v2" />
    </>
  ),
  agents: (
    <>
      <rect x="2.5" y="4" width="15" height="12" rx="2.5" />
      <path d="M6 8.5l2.5 2-2.5 2M10.5 12.5H14" />
    </>
  ),
  activity: <path d="M7.5 5.5H17M7.5 10H17M7.5 14.5H17M3.5 5.5h.5M3.5 10h.5M3.5 14.5h.5" />,
  doctor: (
    <>
      <path d="M10 2.5l6 2.3v4.6c0 3.8-2.6 6.5-6 8.1-3.4-1.6-6-4.3-6-8.1V4.8z" />
      <path d="M7.3 9.8l1.9 1.9 3.6-3.8" />
    </>
  ),
  settings: (
    <>
      <path d="M3 6.5h3M10 6.5h7M3 13.5h7M14 13.5h3" />
      <circle cx="8" cy="6.5" r="2" />
      <circle cx="12" cy="13.5" r="2" />
    </>
  ),
  check: <path d="M5 10.5l3.2 3.2L15 6.8" />,
  cross: <path d="M6.5 6.5l7 7M13.5 6.5l-7 7" />,
  warn: <path d="M10 6.5v4.5M10 13.8v.2" />,
  back: <path d="M12 4.5L6.5 10l5.5 5.5" />,
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg className={['icon', className ?? ''].filter(Boolean).join(' ')} viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      {PATHS[name]}
    </svg>
  );
}
