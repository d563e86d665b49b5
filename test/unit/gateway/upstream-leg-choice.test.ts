import { expect, it } from 'vitest';
import { chooseUpstreamLeg } from '../../../src/gateway/upstream-leg-choice.js';

it('takes undici where WebAssembly is, node:http where it is not, and the bench switch over both', () => {
  expect(chooseUpstreamLeg({}, true)).toEqual({ leg: 'undici' });
  const without = chooseUpstreamLeg({}, false);
  expect(without.leg).toBe('node-http');
  expect(without.warning).toMatch(/WebAssembly is off.*--jitless.*NODE_OPTIONS.*without those flags/);
  expect(chooseUpstreamLeg({ ONECLI_BENCH_UPSTREAM_LEG: 'node-http' }, true)).toMatchObject({
    leg: 'node-http',
    warning: expect.stringMatching(/benchmarks only/),
  });
  // This test process has WebAssembly: the default reads it.
  expect(chooseUpstreamLeg({}).leg).toBe('undici');
});
