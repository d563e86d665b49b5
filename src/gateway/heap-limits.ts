import v8 from 'node:v8';

/**
 * A small young generation. The gateway's garbage is short-lived (per-request objects), and
 * V8's default semi-space (16 MiB, grown on demand) turns a burst of requests into tens of MiB
 * of resident memory that stay. node-proxy-perf.md measured peak RSS 99 → 70 MiB with 2 MiB.
 * As an argv flag it shapes the heap from the start (the launcher passes it); set here at
 * runtime it still caps growth for `node dist/gateway/main.js` started by hand.
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=2'] as const;

export function applyHeapLimits(): void {
  for (const flag of GATEWAY_NODE_FLAGS) v8.setFlagsFromString(flag);
}
