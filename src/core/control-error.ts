import type { ControlErrorCode } from '../shared/control-api.js';
import type { Remedy } from '../shared/remedy.js';

/**
 * An expected failure of a control-API call: a stable code, a sentence that says what is wrong
 * (and what to do, where no surface has its own way), and optionally a named remedy that each
 * surface says its own way (a button in the UI, a command in the CLI).
 */
export class ControlError extends Error {
  readonly remedy: Remedy | undefined;

  constructor(
    readonly code: ControlErrorCode,
    message: string,
    options?: ErrorOptions & { remedy?: Remedy | undefined },
  ) {
    super(message, options);
    this.name = 'ControlError';
    this.remedy = options?.remedy;
  }
}
