import v8 from 'node:v8';
import { GATEWAY_V8_FLAGS } from '../shared/gateway-heap.js';

/**
 * The launcher passes GATEWAY_V8_FLAGS on the command line, which shapes the heap from the
 * start. Set here at runtime, for a gateway started by hand, the wasm flags hold (undici
 * compiles its parser at the first upstream connection, after this), but the semi-space size
 * does not: measured, a running heap's new space still grows to V8's 16 MiB default
 * (docs/performance.md). By hand, pass the flags on the command line as the launcher does.
 */
export function applyHeapLimits(): void {
  for (const flag of GATEWAY_V8_FLAGS) v8.setFlagsFromString(flag);
}
