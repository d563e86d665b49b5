import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The parts of undici the upstream leg uses, loaded by their own paths. undici's index also loads
 * fetch, WebSocket, EventSource, caches and mocks: measured in the gateway, importing it costs
 * ~5 MiB of RSS and heap at rest, the dispatcher alone ~1 MiB (docs/performance.md, issue 18).
 * undici has no `exports` map, so these paths are reachable; test/unit/gateway/undici-parts.test.ts
 * checks they are the index's own classes, so an upgrade that moves them fails a test, not a request.
 */
const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const Pool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
export const Client = require('undici/lib/dispatcher/client.js') as typeof Undici.Client;
export const buildConnector = require('undici/lib/core/connect.js') as typeof Undici.buildConnector;
