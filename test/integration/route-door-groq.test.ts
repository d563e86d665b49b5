import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { agentEnv } from '../../src/core/agents/agent-env.js';
import { buildMapping } from '../../src/core/mappings/mapping-rules.js';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';

/**
 * A provider other than Anthropic and OpenAI through the base-URL door, with a client nobody
 * here wrote: the real groq-sdk from npm, in its own Node process that is given only what
 * `onecli-launcher env` / `run` export for a mapped api.groq.com. It reads GROQ_BASE_URL and
 * GROQ_API_KEY itself (its client.ts); the stand-in upstream plays api.groq.com on loopback.
 */
const execFileAsync = promisify(execFile);

let f: Fixture;
let exported: Record<string, string>;
beforeAll(async () => {
  f = await startFixture((up) => [{ host: up.authority, route: 'groq', value: SECRETS.value }]);
  // What `mappings add api.groq.com REF` stores (the catalog's preset picks the route), and what
  // `env` / `run` then export for it.
  const mapped = buildMapping({ host: 'api.groq.com', reference: 'op://API Keys/Groq/credential' }, new Date());
  expect(mapped.route).toBe('groq');
  exported = agentEnv({ port: f.gateway.port, token: SECRETS.agentToken, caFile: f.caFile, bundleFile: f.caFile, mappings: [mapped] });
});
afterAll(() => f?.stop());
beforeEach(() => {
  f.upstream.requests.length = 0;
});

/** Runs a script with the real groq-sdk, its environment only PATH plus the exported variables. */
async function groq(script: string, env: Record<string, string> = exported): Promise<unknown> {
  const program = `import Groq from 'groq-sdk';\nconst client = new Groq({ maxRetries: 0 });\nconst out = await (async () => { ${script} })();\nprocess.stdout.write(JSON.stringify(out));`;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', program], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 20_000,
  });
  return JSON.parse(stdout) as unknown;
}

describe('the groq route: the real groq-sdk, configured only by the exported variables', () => {
  test('env exports GROQ_BASE_URL at the gateway and the agent token as GROQ_API_KEY', () => {
    expect(exported.GROQ_BASE_URL).toBe(`http://127.0.0.1:${f.gateway.port}/r/groq`);
    expect(exported.GROQ_API_KEY).toBe(SECRETS.agentToken);
  });

  test('a chat completion: the token swapped for the real key in Authorization, the path kept', async () => {
    const echo = (await groq(`return client.chat.completions.create({ model: 'llama-test', messages: [{ role: 'user', content: 'hi' }] });`)) as {
      path: string;
      method: string;
      headers: Record<string, string>;
    };
    expect(echo.method).toBe('POST');
    expect(echo.path).toBe('/openai/v1/chat/completions');
    // The upstream got the real key; what it echoed back reaches the agent masked.
    expect(f.upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SECRETS.value}`);
    expect(echo.headers.authorization).toBe(`Bearer ${MASKED_VALUE}`);
    expect(echo.headers.host).toBe(f.upstream.authority);
    expect(JSON.stringify(f.upstream.requests)).not.toContain(SECRETS.agentToken);
  });

  test("a wrong key gets 401 in OpenAI's error shape, which groq-sdk raises as its AuthenticationError", async () => {
    const out = (await groq(
      `try { await client.models.list(); return { ok: true }; } catch (e) { return { name: e.constructor.name, status: e.status, code: e.error?.error?.code ?? e.error?.code }; }`,
      { ...exported, GROQ_API_KEY: 'gsk-not-a-token-0000' },
    )) as { name: string; status: number; code: string };
    expect(out).toEqual({ name: 'AuthenticationError', status: 401, code: 'invalid_api_key' });
    expect(f.upstream.requests).toHaveLength(0);
  });
});
