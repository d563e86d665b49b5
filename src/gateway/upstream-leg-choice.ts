import type { UpstreamLeg } from './gateway-state.js';

export interface UpstreamLegChoice {
  leg: UpstreamLeg;
  /** Said once at start when the leg is not the default one. */
  warning?: string;
}

/**
 * The upstream leg this process can run. undici parses responses with llhttp compiled to
 * WebAssembly, and a Node started with `--jitless` (or `--lite-mode`, which implies it, e.g. in
 * NODE_OPTIONS) has no WebAssembly: every upstream request would fail as "upstream unreachable"
 * (measured, issue 18). node:http's parser is native, so that leg serves instead, slower.
 */
export function chooseUpstreamLeg(
  env: NodeJS.ProcessEnv,
  hasWebAssembly = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object',
): UpstreamLegChoice {
  if (env.ONECLI_BENCH_UPSTREAM_LEG === 'node-http')
    return { leg: 'node-http', warning: 'every upstream request goes through node:http (ONECLI_BENCH_UPSTREAM_LEG=node-http): for benchmarks only' };
  if (!hasWebAssembly)
    return {
      leg: 'node-http',
      warning:
        'WebAssembly is off in this Node (--jitless or --lite-mode, perhaps in NODE_OPTIONS), so upstream requests go through node:http, which is slower: start the gateway without those flags for the faster leg',
    };
  return { leg: 'undici' };
}
