import { ControlError } from '../core/control-error.js';

/** `--allow a,b` or `--method GET,POST`: a comma-separated list, each item trimmed, none empty. */
export function listFlag(value: unknown, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = typeof value === 'string' ? value.split(',').map((v) => v.trim()) : [];
  if (items.length === 0 || items.some((v) => v === ''))
    throw new ControlError(
      'invalid_params',
      `--${flag} takes a comma-separated list, such as --${flag} ${flag === 'method' ? 'GET,HEAD' : 'api.anthropic.com'}`,
    );
  return items;
}
