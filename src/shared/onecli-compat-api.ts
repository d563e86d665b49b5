import { z } from 'zod';
import { RateLimit } from './agent-policy.js';

/**
 * The OneCLI door in the control API (issue 15): `onecli.enable` (CLI only: its answer carries the
 * gateway secret), `onecli.disable`, `onecli.status`. CONTROL_METHODS pairs these with the methods.
 */

/** Whether the door listens now. `stopped`: it is off, or no launcher runs here (it starts with the app or `serve`). */
export const OnecliListener = z.discriminatedUnion('state', [
  z.object({ state: z.literal('stopped') }),
  z.object({ state: z.literal('listening'), address: z.string() }),
  /** `errno`: the system's code for a failed listen (EADDRINUSE, EACCES, EADDRNOTAVAIL). */
  z.object({ state: z.literal('failed'), reason: z.string(), errno: z.string().max(32).optional() }),
]);
export type OnecliListener = z.infer<typeof OnecliListener>;

export const OnecliCompatView = z.object({
  enabled: z.boolean(),
  /** The address kept in the settings (`HOST:PORT`). */
  listen: z.string(),
  /** `loopback`: only this machine can connect. `network`: every machine that can reach the address can try. */
  exposure: z.enum(['loopback', 'network']),
  listener: OnecliListener,
  /**
   * What to put in OneCLI's `INTERNAL_API_URL`: for its gateway on this machine, and in a Docker
   * container (`host.docker.internal`, which Docker Desktop forwards to this machine). Absent while
   * the port is not known yet (`:0` picks one at each start).
   */
  urls: z.object({ native: z.string(), docker: z.string() }).optional(),
  /** The `onecli` agent whose scope, policy and limits apply; null when there is none (it was revoked). */
  agent: z.object({ allow: z.union([z.literal('all'), z.array(z.string())]), policy: z.enum(['ask', 'allow']), limits: z.array(RateLimit) }).nullable(),
  /** Whether the gateway secret exists (in the keychain; never in the settings or in this view). */
  secretKept: z.boolean(),
});
export type OnecliCompatView = z.infer<typeof OnecliCompatView>;

export const ONECLI_COMPAT_METHODS = {
  'onecli.status': { params: z.object({}).strict(), result: OnecliCompatView },
  /** Turns the door on (made once: the secret and the `onecli` agent), or moves it to `listen`; answers with the secret to give OneCLI. */
  'onecli.enable': {
    params: z.object({ listen: z.string().min(1).max(64).optional() }).strict(),
    result: OnecliCompatView.extend({ secret: z.string() }),
    cliOnly: true,
  },
  /** Turns it off; the secret and the agent stay, so `enable` brings back the same wiring. */
  'onecli.disable': { params: z.object({}).strict(), result: OnecliCompatView },
} as const;
