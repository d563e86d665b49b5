import { expect, test } from 'vitest';
import { CRASH_LOOP_LIMIT, afterCrash } from '../../../src/core/supervisor/restart-policy.js';
import { OutputTail } from '../../../src/core/supervisor/output-tail.js';
import { gatewayEnv } from '../../../src/core/supervisor/spawner.js';

test('backoff doubles from 250 ms while crashes stay within a minute', () => {
  const now = 100_000;
  expect(afterCrash([now], now)).toEqual({ delayMs: 250 });
  expect(afterCrash([now - 2_000, now], now)).toEqual({ delayMs: 500 });
  expect(afterCrash([now - 3_000, now - 2_000, now], now)).toEqual({ delayMs: 1_000 });
});

test('five crashes in a minute is a loop; old crashes are forgotten', () => {
  const now = 1_000_000;
  const loop = Array.from({ length: CRASH_LOOP_LIMIT }, (_, i) => now - i * 1_000);
  expect(afterCrash(loop, now)).toBe('give-up');
  const spread = Array.from({ length: 10 }, (_, i) => now - i * 61_000);
  expect(afterCrash(spread, now)).toEqual({ delayMs: 250 });
});

test('the output tail keeps the last lines and masks token-shaped strings', () => {
  const tail = new OutputTail(2);
  tail.push('one');
  tail.push('token=sk-live-ABCDEFGHIJKLMNOPQRSTUVWX');
  tail.push('three');
  expect(tail.lines()).toEqual(['token=[redacted]', 'three']);
});

test('the gateway inherits an allowlisted environment only', () => {
  // ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN turns the response scan off in a standalone gateway: never in the launcher's.
  const env = gatewayEnv({
    PATH: '/bin',
    HOME: '/h',
    OP_SERVICE_ACCOUNT_TOKEN: 'ops_x',
    AWS_SECRET_ACCESS_KEY: 'x',
    NODE_OPTIONS: '--inspect',
    ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN: '1',
  });
  expect(env).toEqual({ PATH: '/bin', HOME: '/h' });
});
