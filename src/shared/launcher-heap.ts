/**
 * V8 flags for the headless launcher (`npm start`, and `onecli-launcher serve` where the user
 * can pass them: `NODE_OPTIONS=--max-semi-space-size=1`). Its garbage is short-lived too (one
 * activity event per request, control API calls), and a 1 MiB semi-space instead of V8's 16 MiB
 * keeps ~10 MiB less resident at rest (docs/performance.md, "Whole product"). V8 reads them at
 * start only (v8.setFlagsFromString does not resize a running heap), so they go on the command line.
 */
export const LAUNCHER_V8_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
