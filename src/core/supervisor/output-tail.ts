/** Anything long and token-shaped is masked before it is kept: crash output is shown to users. */
const TOKEN_LIKE = /[A-Za-z0-9_\-+/]{24,}={0,2}/g;

/** The last lines a child printed, redacted, for crash reports. */
export class OutputTail {
  readonly #lines: string[] = [];

  constructor(private readonly capacity = 40) {}

  push(line: string): void {
    this.#lines.push(line.slice(0, 500).replace(TOKEN_LIKE, '[redacted]'));
    if (this.#lines.length > this.capacity) this.#lines.shift();
  }

  lines(): string[] {
    return [...this.#lines];
  }
}
