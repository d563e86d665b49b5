import v8 from 'node:v8';
import { GATEWAY_V8_FLAGS } from '../shared/gateway-heap.js';

/**
 * The launcher passes GATEWAY_V8_FLAGS on the command line, which shapes the heap from the
 * start; set here at runtime they still cap growth for a gateway started by hand (and the wasm
 * flags hold too: undici compiles its parser at the first upstream connection, after this).
 */
export function applyHeapLimits(): void {
  for (const flag of GATEWAY_V8_FLAGS) v8.setFlagsFromString(flag);
}
