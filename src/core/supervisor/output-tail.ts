import { redactText } from '../../shared/log-redaction.js';

/** Anything long and token-shaped is masked too: crash output is shown to users, and a stack trace has no fields to go by. */
const TOKEN_LIKE = /[A-Za-z0-9_\-+/]{24,}={0,2}/g;

/** The last lines a child printed, redacted (the shared list, then anything token-shaped), for crash reports. */
export class OutputTail {
  readonly #lines: string[] = [];

  constructor(private readonly capacity = 40) {}

  push(line: string): void {
    this.#lines.push(redactText(line.slice(0, 8_000)).replace(TOKEN_LIKE, '[redacted]').slice(0, 500));
    if (this.#lines.length > this.capacity) this.#lines.shift();
  }

  lines(): string[] {
    return [...this.#lines];
  }
}
