import * as undici from 'undici';
import { expect, test } from 'vitest';
import { Agent, buildConnector, Client, Pool } from '../../../src/gateway/undici-parts.js';

// The gateway loads undici's dispatcher by file path, not through its index (undici-parts.ts says
// why). An undici release that moves those files must fail here, not on the first request.
test("the parts the gateway loads by path are undici's own exports", () => {
  expect(Agent).toBe(undici.Agent);
  expect(Pool).toBe(undici.Pool);
  expect(Client).toBe(undici.Client);
  expect(buildConnector).toBe(undici.buildConnector);
});
