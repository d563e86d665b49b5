import { useId, useRef, useState } from 'react';
import { ActionButton } from './action-button.js';

type CopyOutcome = 'copied' | 'select' | undefined;

/** Puts text on the clipboard; falls back to selecting it for ⌘C when the clipboard is refused. */
export async function copyText(text: string, fallback: HTMLElement | null): Promise<CopyOutcome> {
  try {
    await navigator.clipboard.writeText(text);
    return 'copied';
  } catch {
    // Clipboard access is refused without focus or permission: select the text instead, so one
    // keystroke copies it, and say so.
    if (fallback) window.getSelection()?.selectAllChildren(fallback);
    return 'select';
  }
}

/** A block of text the user copies into a terminal, with a Copy button. */
export function CopyBlock({ label, text, copyLabel = 'Copy' }: { label: string; text: string; copyLabel?: string }) {
  const pre = useRef<HTMLPreElement>(null);
  const labelId = useId();
  const [outcome, setOutcome] = useState<CopyOutcome>();
  return (
    <div className="copy-block">
      <div className="copy-head">
        <span id={labelId} className="copy-label">
          {label}
        </span>
        <ActionButton small onClick={() => void copyText(text, pre.current).then(setOutcome)} aria-describedby={labelId}>
          {copyLabel}
        </ActionButton>
      </div>
      <pre ref={pre} className="code" aria-labelledby={labelId} tabIndex={0}>
        {text}
      </pre>
      <p className="copy-outcome" role="status">
        {outcome === 'copied' ? 'Copied to the clipboard.' : outcome === 'select' ? 'Selected: press ⌘C (Ctrl+C) to copy.' : ''}
      </p>
    </div>
  );
}
