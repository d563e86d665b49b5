import { describe, expect, test } from 'vitest';
import { doctorEnvironmentNote, ignoredLaunchFlag, type LaunchFlags } from '../../../src/cli/ignored-flags.js';
import type { RuntimeInfo } from '../../../src/core/runtime-file.js';

const running = (launch?: RuntimeInfo['launch']): RuntimeInfo => ({
  pid: 4242,
  controlUrl: 'http://127.0.0.1:10256',
  gatewayPort: 10255,
  startedAt: '2025-01-01T00:00:00Z',
  ...(launch ? { launch } : {}),
});
const flags = (over: Partial<LaunchFlags> = {}): LaunchFlags => ({ insecureFileStore: false, ...over });
const keychain = running({ secretStore: 'keychain', path: '/usr/bin:/bin' });

describe('flags a running launcher would not honour are refused, with why and what to do', () => {
  test('no launch flags, or the same ones it runs with: nothing to say', () => {
    expect(ignoredLaunchFlag(flags(), keychain)).toBeUndefined();
    const withOp = running({ secretStore: 'keychain', opPath: '/opt/op', extraCaFile: '/etc/corp.pem', port: 0 });
    expect(ignoredLaunchFlag(flags({ opPath: '/opt/op', extraCa: '/etc/corp.pem', port: 10255 }), withOp)).toBeUndefined();
    expect(ignoredLaunchFlag(flags({ opPath: '/opt/../opt/op' }), withOp)).toBeUndefined(); // the same file, spelled otherwise
    expect(ignoredLaunchFlag(flags({ port: 0 }), withOp)).toBeUndefined(); // what it was started with
  });

  test('--op-path', () => {
    expect(ignoredLaunchFlag(flags({ opPath: '/nope/op' }), keychain)).toBe(
      "--op-path is ignored by the running launcher (pid 4242), which finds op on its own PATH: restart it with `onecli-launcher serve --op-path '/nope/op'`, or stop it to run this command on its own.",
    );
    expect(ignoredLaunchFlag(flags({ opPath: '/b/op' }), running({ secretStore: 'keychain', opPath: '/a/op' }))).toMatch(
      /which uses \/a\/op: restart it with `onecli-launcher serve --op-path '\/b\/op'`/,
    );
  });

  test('--extra-ca, --insecure-file-store, --port', () => {
    expect(ignoredLaunchFlag(flags({ extraCa: '/x.pem' }), keychain)).toMatch(
      /^--extra-ca is ignored by the running launcher \(pid 4242\), which trusts no extra CA: restart it with `onecli-launcher serve --extra-ca '\/x\.pem'`/,
    );
    expect(ignoredLaunchFlag(flags({ insecureFileStore: true }), running({ secretStore: 'memory' }))).toMatch(
      /^--insecure-file-store is ignored by the running launcher \(pid 4242\), which keeps secrets in memory for its run/,
    );
    expect(ignoredLaunchFlag(flags({ insecureFileStore: true }), running({ secretStore: 'file' }))).toBeUndefined();
    expect(ignoredLaunchFlag(flags({ insecureFileStore: true }), keychain)).toBeUndefined(); // with a keychain the flag changes nothing
    expect(ignoredLaunchFlag(flags({ port: 9999 }), keychain)).toBe(
      '--port 9999 is ignored by the running launcher (pid 4242), whose gateway listens on 10255: restart it with `onecli-launcher serve --port 9999`, or leave --port out.',
    );
  });

  test('a launcher that did not record how it started (an older one, or the app): refused, never guessed', () => {
    expect(ignoredLaunchFlag(flags({ opPath: '/a/op' }), running())).toMatch(
      /^--op-path cannot be honoured by the running launcher \(pid 4242\), which did not record how it was started/,
    );
    expect(ignoredLaunchFlag(flags({ insecureFileStore: true }), running())).toMatch(/^--insecure-file-store cannot be honoured/);
  });

  test('hostile values: one line, control characters spelled out, quotes kept inside the shell word, a leading dash is only a name', () => {
    for (const opPath of ['/tmp/a\nb', '/tmp/\u001b[2J', "/tmp/it's", '-rf', '/tmp/€uro', '']) {
      const line = ignoredLaunchFlag(flags({ opPath }), keychain)!;
      expect(line.split('\n')).toHaveLength(1);
      expect(line).not.toMatch(/\u001b/); // eslint-disable-line no-control-regex -- looking for the raw escape is the point
    }
    expect(ignoredLaunchFlag(flags({ opPath: "/tmp/it's" }), keychain)).toContain(`--op-path '/tmp/it'\\''s'`);
    expect(ignoredLaunchFlag(flags({ opPath: '/tmp/a\nb' }), keychain)).toContain('--op-path "/tmp/a\\u000ab"');
  });
});

describe('doctor while a launcher runs: whose environment the checks saw', () => {
  test('the same PATH: nothing to say; another PATH, or an unknown one: said plainly', () => {
    expect(doctorEnvironmentNote(keychain, '/usr/bin:/bin')).toBeUndefined();
    expect(doctorEnvironmentNote(keychain, '/home/u/bin:/usr/bin:/bin')).toMatch(
      /^These checks ran in the running launcher \(pid 4242\), with its own PATH, which is not yours: op, node, curl and python3 are the ones it finds\. To check your own PATH, stop it/,
    );
    expect(doctorEnvironmentNote(running(), '/usr/bin')).toMatch(/in its own environment/);
  });
});
