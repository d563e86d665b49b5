/**
 * V8 flags for the gateway process. One list for every way the gateway starts: the headless
 * launcher's `fork` (execArgv), the app's utility process (`--js-flags`), and the gateway itself
 * at start (v8.setFlagsFromString, for `node dist/gateway/main.js` by hand, where only the wasm
 * flags take effect: src/gateway/heap-limits.ts).
 *
 * - A small young generation, but not too small. The gateway's garbage is short-lived
 *   (per-request objects), and V8's default semi-space (16 MiB, grown on demand) turns a burst of
 *   requests into tens of MiB of resident memory that stay (node-proxy-perf.md: peak RSS 99 → 70
 *   MiB with 2 MiB). With 2 MiB, though, requests still in flight outlive two scavenges under
 *   `serve`'s load and are promoted: its gateway after the bench's load was 120–128 MiB with 2
 *   and 99–102 with 4 (heapUsed peaking at 60 against 25), the standalone gateway's peaks the same
 *   within 3 MiB either way (docs/performance.md, issue 18).
 * - WebAssembly stays on Liftoff, V8's baseline compiler. The only wasm is undici's llhttp (the
 *   upstream leg's parser, issue 18): TurboFan recompiling its one large state-machine function
 *   under load held ~30 MiB for a moment (peak RSS 131–136 → 98–105 MiB in a c=32 run of the leg
 *   alone), for no CPU per request we could measure (docs/performance.md).
 * - The old generation grown by 20 % after each full collection, not V8's up to 4×. Objects tied
 *   to native handles (sockets, TLS and parser wraps) outlive the scavenges that would free them
 *   young and are promoted, ~8 KiB for each connection an agent opens and closes, and with V8's
 *   growth the old space took them in until it was ~30 MiB: 3 s of a new connection per request
 *   at c=8 lifted the gateway's peak by 15–21 MiB with V8's factor and by 11–13 with 1.2 (fresh
 *   gateways, interleaved), with no change at c=32 keep-alive (peak 81 MiB and req/s alike in
 *   four 8 s reps each; docs/performance.md). Read at every full collection, so it holds at run
 *   time too.
 * - `gc` on the global, for the minor collection that frees relayed bodies' dead buffers
 *   (src/gateway/buffer-reclaim.ts). Without it the gateway makes a small context to fetch it.
 */
export const GATEWAY_V8_FLAGS: readonly string[] = [
  '--max-semi-space-size=4',
  '--heap-growing-percent=20',
  '--no-wasm-tier-up',
  '--no-wasm-dynamic-tiering',
  '--expose-gc',
];
