import { describe, expect, test } from 'vitest';
import {
  buildOpEnv,
  createOpRunner,
  OP_MAX_OUTPUT_BYTES,
  OP_TIMEOUT_MS,
  toOpFailure,
  type ExecFileFn,
  type ExecFileOptions,
} from '../../../src/core/vault/op-runner.js';
import { VaultError } from '../../../src/core/vault/vault-error.js';

const launcherEnv = {
  HOME: '/home/dev',
  USER: 'dev',
  LOGNAME: 'dev',
  LANG: 'en_US.UTF-8',
  TMPDIR: '/tmp/dev',
  XDG_RUNTIME_DIR: '/run/user/1000',
  OP_ACCOUNT: 'fake-team.1password.com',
  OP_BIOMETRIC_UNLOCK_ENABLED: 'true',
  PATH: '/usr/bin:/bin',
  // Planted: none of these may reach `op`.
  OP_SERVICE_ACCOUNT_TOKEN: 'ops_PLANTED_TOKEN_must_not_leak',
  OP_CONNECT_TOKEN: 'connect-PLANTED',
  OP_SESSION_fake: 'session-PLANTED',
  AWS_SECRET_ACCESS_KEY: 'aws-PLANTED',
  AWS_SECRET: 'aws-PLANTED-2',
  NODE_OPTIONS: '--require /tmp/evil.js',
  EMPTY_ALLOWED: '',
};

function recordingExec(result: { stdout: string } | { error: object } = { stdout: 'ok\n' }) {
  const calls: { file: string; args: readonly string[]; options: ExecFileOptions }[] = [];
  const execFile: ExecFileFn = (file, args, options) => {
    calls.push({ file, args, options });
    return 'error' in result ? Promise.reject(result.error) : Promise.resolve({ stdout: result.stdout, stderr: '' });
  };
  return { execFile, calls };
}

const clockAt = (start: number, step = 0) => {
  let now = start;
  return { now: () => (now += step) };
};

describe('the environment op gets is built from an allowlist', () => {
  test('planted tokens and cloud keys never reach the child', async () => {
    const { execFile, calls } = recordingExec();
    await createOpRunner({ execFile, env: launcherEnv, clock: clockAt(0) }, { opPath: '/usr/bin/op', searchPath: '/usr/bin' })(['whoami']);
    const env = calls[0]?.options.env ?? {};
    expect(Object.keys(env).sort()).toEqual(
      ['HOME', 'LANG', 'LOGNAME', 'OP_ACCOUNT', 'OP_BIOMETRIC_UNLOCK_ENABLED', 'PATH', 'TMPDIR', 'USER', 'XDG_RUNTIME_DIR'].sort(),
    );
    expect(JSON.stringify(env)).not.toMatch(/PLANTED|evil/);
  });

  test('a token passed on purpose does get through, and PATH is always ours', () => {
    const env = buildOpEnv(launcherEnv, '/opt/homebrew/bin:/usr/bin', { OP_SERVICE_ACCOUNT_TOKEN: 'ops_explicit', PATH: '/evil' });
    expect(env.OP_SERVICE_ACCOUNT_TOKEN).toBe('ops_explicit');
    expect(env.PATH).toBe('/opt/homebrew/bin:/usr/bin');
  });

  test('empty values are left out rather than passed as empty', () => {
    expect(buildOpEnv({ HOME: '', LANG: 'C' }, '/usr/bin')).toEqual({ LANG: 'C', PATH: '/usr/bin' });
  });

  test('without a searchPath, the child PATH is the launcher PATH plus the install folders', async () => {
    const { execFile, calls } = recordingExec();
    await createOpRunner({ execFile, env: { PATH: '/usr/bin:/bin', HOME: '/home/dev' }, clock: clockAt(0) }, { opPath: '/usr/bin/op' })(['whoami']);
    expect(calls[0]?.options.env.PATH?.split(':')).toEqual([
      '/usr/bin',
      '/bin',
      '/opt/homebrew/bin',
      '/usr/local/bin',
      '/snap/bin',
      '/home/dev/.local/bin',
      '/home/dev/bin',
    ]);
  });
});

describe('how op is spawned', () => {
  test('an argv array, the default timeout, bounded output and SIGKILL on timeout', async () => {
    const { execFile, calls } = recordingExec({ stdout: 'value' });
    const run = createOpRunner({ execFile, env: {}, clock: clockAt(0) }, { opPath: '/usr/bin/op', searchPath: '/usr/bin' });
    await expect(run(['read', 'op://a b/c; rm -rf ~/d', '--no-newline'])).resolves.toBe('value');
    expect(calls[0]).toMatchObject({ file: '/usr/bin/op', args: ['read', 'op://a b/c; rm -rf ~/d', '--no-newline'] });
    expect(calls[0]?.options).toMatchObject({ timeout: OP_TIMEOUT_MS, maxBuffer: OP_MAX_OUTPUT_BYTES, killSignal: 'SIGKILL' });
    expect(OP_TIMEOUT_MS).toBeGreaterThan(60_000); // longer than op's own prompt deadline
  });

  test('a per-call timeout wins over the runner default', async () => {
    const { execFile, calls } = recordingExec();
    await createOpRunner({ execFile, env: {}, clock: clockAt(0) }, { opPath: 'op', searchPath: '', timeoutMs: 9_000 })(['--version'], { timeoutMs: 1_000 });
    expect(calls[0]?.options.timeout).toBe(1_000);
  });
});

describe('Node execFile errors become classified VaultErrors', () => {
  const runWith = (error: object) =>
    createOpRunner(
      { execFile: recordingExec({ error }).execFile, env: {}, clock: clockAt(1_000, 500) },
      { opPath: '/bin/op', searchPath: '', timeoutMs: 2_000 },
    )(['vault', 'list']);

  test('ENOENT → unavailable, install the CLI', async () => {
    const err = await runWith(Object.assign(new Error('spawn /bin/op ENOENT'), { code: 'ENOENT', errno: -2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect(err).toMatchObject({ code: 'unavailable', fix: expect.stringMatching(/^Install the 1Password CLI/) });
  });

  test('killed by our timeout → unavailable, with the time waited in the cause', async () => {
    const err = (await runWith({ code: null, killed: true, signal: 'SIGKILL', stderr: '' }).catch((e: unknown) => e)) as VaultError;
    expect(err.code).toBe('unavailable');
    expect(err.fix).toMatch(/did not answer within 2 s/);
    expect((err.cause as Error).message).toBe('op was killed after 500 ms (timeout 2000 ms)');
  });

  test('exit 1 with stderr → classified by the text', async () => {
    const err = await runWith({ code: 1, killed: false, signal: null, stderr: '[ERROR] 2024/05/01 12:00:00 account is not signed in\n' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'auth_required' });
  });

  test('facts are read off the error shape', () => {
    expect(toOpFailure({ code: 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER', stderr: '' }, '/op', 1)).toMatchObject({
      outputTooLarge: true,
      timedOut: false,
      spawnErrorCode: undefined,
    });
    expect(toOpFailure({ code: null, killed: false, signal: 'SIGSEGV', stderr: Buffer.from('x') }, '/op', 1)).toMatchObject({
      signal: 'SIGSEGV',
      stderr: 'x',
      exitCode: null,
    });
    expect(toOpFailure('not even an object', '/op', 1)).toMatchObject({ stderr: '', timedOut: false });
  });
});
