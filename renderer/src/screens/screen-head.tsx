import type { ReactNode } from 'react';

/** A screen's title (its h1, the target when focus has nowhere better to go) and its actions. */
export function ScreenHead({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="screen-head">
      <h1 tabIndex={-1}>{title}</h1>
      {children && <div className="screen-actions">{children}</div>}
    </div>
  );
}
