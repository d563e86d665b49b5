// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_CHARS = new RegExp(HAS_CONTROL.source, 'g');

/** A name in double quotes, as it may be printed: control characters (newlines, terminal escapes) spelled out, never sent raw. */
export const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&').replace(CONTROL_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;

/** A path or value in a sentence: as is, unless it holds control characters. */
export const shown = (s: string) => (HAS_CONTROL.test(s) ? quoted(s) : s);

/** A path in a shell command: single quotes, so nothing in it is expanded (spelled out if it holds control characters). */
export const shellQuote = (s: string) => (HAS_CONTROL.test(s) ? quoted(s) : `'${s.replace(/'/g, `'\\''`)}'`);
