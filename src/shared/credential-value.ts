/**
 * What a credential value may hold to be written into an HTTP header. Node refuses CR, LF, NUL
 * and anything outside Latin-1 in a header (and throws synchronously doing so), and an upstream
 * compares keys byte for byte, so a credential is printable ASCII: no control characters, no
 * line breaks, no leading or trailing whitespace (HTTP strips it, so it would never match).
 *
 * Checked where values enter (`secrets set`, mapping templates) and again in the gateway for
 * values resolved from 1Password. Messages name the problem and where it is, never the value.
 */
export const MAX_CREDENTIAL_LENGTH = 8_192;

function describeChar(code: number): string {
  if (code === 0x0a || code === 0x0d) return 'a line break (CR/LF)';
  if (code === 0x09) return 'a tab';
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return `a character outside printable ASCII (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * Why `text` cannot be sent as (part of) a header value, or undefined when it can. `what` names
 * it in the message ("the value", "it"). `edges` checks leading/trailing whitespace; `pasteHint`
 * adds the guess that a line break came with a pasted key (not for text the user wrote).
 */
export function headerTextProblem(text: string, what: string, { edges = true, pasteHint = true } = {}): string | undefined {
  if (text.length === 0) return `${what} is empty`;
  if (text.length > MAX_CREDENTIAL_LENGTH) return `${what} is ${text.length} characters long; at most ${MAX_CREDENTIAL_LENGTH} fit in a header`;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      const where = i === text.length - 1 ? 'at its end' : `at position ${i + 1} of ${text.length}`;
      const hint = pasteHint && (code === 0x0a || code === 0x0d) ? ' (a key pasted with a newline?)' : '';
      return `${what} contains ${describeChar(code)} ${where}${hint}`;
    }
  }
  if (edges && (text.startsWith(' ') || text.endsWith(' '))) return `${what} starts or ends with a space`;
  return undefined;
}

/** The check for a credential value itself. */
export function credentialValueProblem(value: string): string | undefined {
  return headerTextProblem(value, 'the value');
}
