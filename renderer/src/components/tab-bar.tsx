import { useRef, type KeyboardEvent } from 'react';
import { Icon, type IconName } from './icons.js';

export interface TabSpec<T extends string> {
  readonly id: T;
  readonly label: string;
  readonly icon: IconName;
}

export const tabId = (id: string) => `tab-${id}`;
export const panelId = (id: string) => `panel-${id}`;

/**
 * The screen switcher, as ARIA tabs: one tab stop, arrow keys (and Home/End) move between
 * tabs and select them, Tab moves on into the screen.
 */
export function TabBar<T extends string>({ tabs, selected, onSelect }: { tabs: readonly TabSpec<T>[]; selected: T; onSelect(id: T): void }) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent) => {
    const focusedAt = tabs.findIndex((t) => refs.current.get(t.id) === e.target);
    const at = focusedAt === -1 ? tabs.findIndex((t) => t.id === selected) : focusedAt;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length];
    if (!next) return;
    onSelect(next.id);
    refs.current.get(next.id)?.focus();
  };
  return (
    <div className="tab-bar" role="tablist" aria-label="Screens" onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
            else refs.current.delete(t.id);
          }}
          type="button"
          role="tab"
          id={tabId(t.id)}
          aria-controls={t.id === selected ? panelId(t.id) : undefined}
          aria-selected={t.id === selected}
          tabIndex={t.id === selected ? 0 : -1}
          className="tab"
          onClick={() => onSelect(t.id)}
        >
          <Icon name={t.icon} />
          <span className="tab-label">{t.label}</span>
        </button>
      ))}
    </div>
  );
}
