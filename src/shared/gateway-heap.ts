/**
 * V8 flags for the gateway process: a small young generation. The gateway's garbage is
 * short-lived (per-request objects), and V8's default semi-space (16 MiB, grown on demand)
 * turns a burst of requests into tens of MiB of resident memory that stay; node-proxy-perf.md
 * measured peak RSS 99 → 70 MiB with 2 MiB. One list for every way the gateway starts: the
 * headless launcher's `fork` (execArgv), the app's utility process (`--js-flags`), and the
 * gateway itself at start (v8.setFlagsFromString, for `node dist/gateway/main.js` by hand).
 */
export const GATEWAY_V8_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
