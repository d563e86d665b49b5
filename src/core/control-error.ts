import type { ControlErrorCode } from '../shared/control-api.js';

/** An expected failure of a control-API call: a stable code and a sentence that says what to do. */
export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ControlError';
  }
}
