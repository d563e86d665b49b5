export type Tone = 'ok' | 'warn' | 'fail' | 'idle' | 'busy';

/** A colored dot beside a word that says the same thing: color is never the only signal. */
export function StatusDot({ tone }: { tone: Tone }) {
  return <span className={`dot dot-${tone}`} aria-hidden="true" />;
}
