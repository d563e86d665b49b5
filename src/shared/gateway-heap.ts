/**
 * V8 flags for the gateway process. One list for every way the gateway starts: the headless
 * launcher's `fork` (execArgv), the app's utility process (`--js-flags`), and the gateway itself
 * at start (v8.setFlagsFromString, for `node dist/gateway/main.js` by hand, where only the wasm
 * flags take effect: src/gateway/heap-limits.ts).
 *
 * - A small young generation. The gateway's garbage is short-lived (per-request objects), and
 *   V8's default semi-space (16 MiB, grown on demand) turns a burst of requests into tens of MiB
 *   of resident memory that stay; node-proxy-perf.md measured peak RSS 99 → 70 MiB with 2 MiB.
 * - WebAssembly stays on Liftoff, V8's baseline compiler. The only wasm is undici's llhttp (the
 *   upstream leg's parser, issue 18): TurboFan recompiling its one large state-machine function
 *   under load held ~30 MiB for a moment (peak RSS 131–136 → 98–105 MiB in a c=32 run of the leg
 *   alone), for no CPU per request we could measure (docs/performance.md).
 * - `gc` on the global, for the minor collection that frees relayed bodies' dead buffers
 *   (src/gateway/buffer-reclaim.ts). Without it the gateway makes a small context to fetch it.
 */
export const GATEWAY_V8_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--expose-gc'];
