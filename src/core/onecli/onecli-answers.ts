import { ONECLI_REQUESTS, ONECLI_ROUTE_PREFIX, type OnecliErrorBody, type OnecliOperation, type OnecliRequest } from '../../shared/onecli-compat.js';
import type { OnecliAccess } from './onecli-access.js';
import { statusOf, type DoorResult } from './onecli-failures.js';

/** What the door sends: a status, a JSON body, and maybe a header (`Retry-After`). */
export interface DoorAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const failed = (status: number, type: string, message: string, code?: string): DoorAnswer => {
  const body: OnecliErrorBody = { error: { message, type, ...(code ? { code } : {}) } };
  return { status, body };
};

/** internal-auth.ts: a missing or wrong secret, whatever was asked. */
export const UNAUTHORIZED = failed(401, 'authentication_error', 'unauthorized');

/** Upstream answers an unknown path or method with its not-found handler (error-handler.ts `notFoundHandler`): a 404. */
export const NOT_FOUND = failed(
  404,
  'invalid_request_error',
  `Unrecognized request URL. OneCLI.app answers POST ${ONECLI_ROUTE_PREFIX}validate, resolve, list-vaults, list-items and list-fields.`,
);

export const TOO_LARGE = (limitBytes: number) => failed(413, 'invalid_request_error', `The request body is larger than ${limitBytes / 1024} KiB.`);

/** error-handler.ts: anything unforeseen, in upstream's words, with nothing of the cause. */
export const UNEXPECTED = failed(500, 'api_error', 'An unexpected error occurred.');

type Handlers = { [O in OnecliOperation]: (access: OnecliAccess, body: OnecliRequest<O>) => Promise<DoorResult<unknown>> };

/**
 * Each operation's work. The `token` upstream sends is accepted (its schema requires one) and
 * never used: the app's own pairing with 1Password is the identity, and the door resolves only
 * through it, so a token in the body can neither widen nor choose what is read (docs/onecli.md).
 */
const HANDLERS: Handlers = {
  validate: (access) => access.validate(),
  resolve: async (access, body) => {
    const r = await access.resolve(body.op_ref);
    return r.ok ? { ok: true, value: { value: r.value } } : r;
  },
  'list-vaults': (access) => access.listVaults(),
  'list-items': (access, body) => access.listItems(body.vaultId),
  'list-fields': (access, body) => access.listFields(body.vaultId, body.itemId),
};

/**
 * One operation, from the parsed JSON body (upstream reads a body that is not JSON as `{}`:
 * routes/internal.ts `c.req.json().catch(() => ({}))`) to the answer. A body its schema refuses
 * gets upstream's 400 with the first issue's message ("token is required"); zod's messages
 * never quote the input.
 */
export async function answer(access: OnecliAccess, operation: OnecliOperation, body: unknown): Promise<DoorAnswer> {
  const parsed = ONECLI_REQUESTS[operation].safeParse(body);
  if (!parsed.success) return failed(400, 'invalid_request_error', parsed.error.issues[0]?.message ?? 'invalid request');
  const handler = HANDLERS[operation] as (access: OnecliAccess, body: unknown) => Promise<DoorResult<unknown>>;
  const result = await handler(access, parsed.data);
  if (result.ok) return { status: 200, body: result.value };
  const { status, type } = statusOf(result.failure);
  const retry = result.failure.retryAfter;
  return {
    ...failed(status, type, result.failure.message, result.failure.code),
    ...(retry !== undefined ? { headers: { 'retry-after': String(retry) } } : {}),
  };
}
