import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openLauncherLog } from '../../../src/core/logging/launcher-log.js';
import { RotatingFile } from '../../../src/core/logging/rotating-file.js';
import { relayGatewayLine } from '../../../src/core/logging/gateway-lines.js';
import { readRecentLog } from '../../../src/core/logging/recent-log.js';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'onecli-log-'));

describe('the launcher log file', () => {
  test('JSON lines with ISO times and level names, 0600 in a 0700 folder, secrets redacted in fields and text, also forwarded', () => {
    const file = path.join(fresh(), 'Logs', 'OneCLI', 'launcher.log');
    const seen: string[] = [];
    const { log, known } = openLauncherLog(file, { also: { write: (line) => seen.push(line) } });
    known.add('tok_live_secret_opaque'); // as openCore does for every token it stores or reads
    log.info({ mapping: 'api.example', token: 'tok_live_secret', headers: { authorization: 'Bearer sk-secret' } }, 'resolved');
    log.error({ err: Object.assign(new Error('boom'), { code: 'EX' }) }, 'failed');
    log.warn({ host: 'tok_live_secret_opaque.example:443' }, 'pairing failed: token ops_abcdefghijklmnop refused');
    const written = readFileSync(file, 'utf8');
    const lines = written
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'resolved',
      mapping: 'api.example',
      token: '[redacted]',
      headers: { authorization: '[redacted]' },
    });
    expect(lines[0]!.component).toBeUndefined(); // the core's own records; children name theirs
    expect(String(lines[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[1]).toMatchObject({ level: 'error', err: { code: 'EX', message: 'boom' } });
    expect(lines[2]).toMatchObject({ host: '[redacted].example:443', msg: 'pairing failed: token [redacted] refused' });
    expect(written).not.toMatch(/sk-secret|tok_live_secret|ops_abc/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(seen.join('')).toBe(written);
  });

  test("the gateway's lines become launcher records: its level, component gateway, redacted again; other output as text", () => {
    const file = path.join(fresh(), 'launcher.log');
    const { log, known } = openLauncherLog(file);
    known.add('sk-opaque-value-the-launcher-resolved');
    const gateway = log.child({ component: 'gateway' }, { level: 'trace' });
    const record = (level: number, msg: string, fields: object) => JSON.stringify({ level, time: 1, component: 'gateway', ...fields, msg });
    const tail = [
      relayGatewayLine(gateway, record(40, 'request failed', { host: 'api.example:443', agent: 'claude', error: 'upstream_tls' }), 'stdout'),
      relayGatewayLine(gateway, record(20, 'request', { host: 'api.example:443', status: 200 }), 'stdout'),
      relayGatewayLine(gateway, record(50, 'a request failed', { err: { message: 'echoed sk-opaque-value-the-launcher-resolved' } }), 'stdout'),
      relayGatewayLine(gateway, 'Error: boom\n', 'stderr'),
    ];
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.component, l.level, l.msg])).toEqual([
      ['gateway', 'warn', 'request failed'],
      ['gateway', 'debug', 'request'],
      ['gateway', 'error', 'a request failed'],
      ['gateway', 'warn', 'gateway output'],
    ]);
    expect(lines[0]).toMatchObject({ host: 'api.example:443', agent: 'claude', error: 'upstream_tls' });
    expect(lines[2]).toMatchObject({ err: { message: 'echoed [redacted]' } });
    expect(lines[3]).toMatchObject({ stream: 'stderr', text: 'Error: boom\n' });
    expect(tail[0]).toBe('warn: request failed {"host":"api.example:443","agent":"claude","error":"upstream_tls"}');
    expect(tail[3]).toBe('Error: boom\n');
  });

  test('recent lines are read back oldest first, across a rotation, flattened and redacted again', () => {
    const file = path.join(fresh(), 'launcher.log');
    const out = new RotatingFile(file, { maxBytes: 700, keep: 2 });
    const line = (n: number, extra: object = {}) =>
      `${JSON.stringify({ level: 'info', time: `2025-01-01T00:00:0${n}.000Z`, pid: 1, component: n % 2 ? 'gateway' : undefined, ...extra, msg: `line ${n}` })}\n`;
    for (let n = 0; n < 5; n++) out.write(line(n, { err: { code: 'EX', message: 'deep' } }));
    out.write('not json\n');
    // A line an older version might have written without redaction.
    out.write(line(5, { token: 'tok_raw', reason: 'Authorization: Bearer abcdefghijk', nested: { list: [{ apiKey: 'k' }] } }));
    out.close();
    expect(readFileSync(out.generation(1), 'utf8')).toContain('line 0'); // it did rotate
    const all = readRecentLog(file, 50);
    expect(all.file).toBe(file);
    expect(all.lines.map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(all.lines[1]).toEqual({
      at: '2025-01-01T00:00:01.000Z',
      level: 'info',
      component: 'gateway',
      message: 'line 1',
      fields: { 'err.code': 'EX', 'err.message': 'deep' },
    });
    expect(all.lines[0]!.component).toBe('launcher');
    expect(all.lines[5]!.fields).toEqual({ token: '[redacted]', reason: 'Authorization: [redacted]', 'nested.list': '[{"apiKey":"[redacted]"}]' });
    expect(readRecentLog(file, 2).lines.map((l) => l.message)).toEqual(['line 4', 'line 5']);
    expect(readRecentLog(undefined, 10)).toEqual({ lines: [] });
    expect(readRecentLog(path.join(fresh(), 'missing.log'), 10).lines).toEqual([]);
  });

  test('rotates by size, keeping a fixed number of old files', () => {
    const file = path.join(fresh(), 'launcher.log');
    const out = new RotatingFile(file, { maxBytes: 100, keep: 2 });
    for (let i = 0; i < 10; i++) out.write(`${String(i).padStart(2, '0')}${'x'.repeat(37)}\n`); // 40 bytes each: two per file
    out.close();
    expect(readFileSync(file, 'utf8')).toMatch(/^08x+\n09x+\n$/);
    expect(readFileSync(out.generation(1), 'utf8')).toMatch(/^06x+\n07x+\n$/);
    expect(readFileSync(out.generation(2), 'utf8')).toMatch(/^04x+\n05x+\n$/);
    expect(existsSync(out.generation(3))).toBe(false);
    expect(out.generation(1)).toBe(file.replace('launcher.log', 'launcher.1.log'));
  });

  test('appends to an existing file, and a write it cannot make never throws', () => {
    const file = path.join(fresh(), 'launcher.log');
    new RotatingFile(file).write('one\n');
    new RotatingFile(file).write('two\n');
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
    const blocked = new RotatingFile(path.join(file, 'inside-a-file.log')); // its folder is a file
    expect(() => blocked.write('x\n')).not.toThrow();
  });
});
