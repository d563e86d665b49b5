import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onClick'> & {
  readonly busy?: boolean;
  /** Shown while busy, e.g. "Testing…". */
  readonly busyLabel?: ReactNode;
  readonly variant?: 'primary' | 'secondary' | 'danger' | 'plain';
  readonly small?: boolean;
  readonly ref?: Ref<HTMLButtonElement>;
  onClick?: () => void;
};

/**
 * A button that runs a call. While busy it stays focusable (aria-disabled, not disabled): a
 * disabled button drops keyboard focus to the page, and the user loses their place.
 */
export function ActionButton({ busy = false, busyLabel, variant = 'secondary', small = false, onClick, children, className, type = 'button', ...rest }: Props) {
  const classes = ['btn', `btn-${variant}`, small ? 'btn-small' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <button
      {...rest}
      type={type}
      className={classes}
      aria-disabled={busy || rest['aria-disabled'] ? true : undefined}
      onClick={(e) => {
        if (busy || rest['aria-disabled']) return e.preventDefault();
        onClick?.();
      }}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}
