import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openLauncherLog } from '../../../src/core/logging/launcher-log.js';
import { RotatingFile } from '../../../src/core/logging/rotating-file.js';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'onecli-log-'));

describe('the launcher log file', () => {
  test('JSON lines with ISO times and level names, 0600 in a 0700 folder, secrets redacted, also forwarded', () => {
    const file = path.join(fresh(), 'Logs', 'OneCLI', 'launcher.log');
    const seen: string[] = [];
    const { log } = openLauncherLog(file, { also: { info: (_o, m) => void seen.push(m ?? ''), warn: () => undefined, error: () => undefined } });
    log.info({ mapping: 'api.example', token: 'tok_live_secret', headers: { authorization: 'Bearer sk-secret' } }, 'resolved');
    log.error({ err: Object.assign(new Error('boom'), { code: 'EX' }) }, 'failed');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      level: 'info',
      component: 'launcher',
      msg: 'resolved',
      mapping: 'api.example',
      token: '[redacted]',
      headers: { authorization: '[redacted]' },
    });
    expect(String(lines[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[1]).toMatchObject({ level: 'error', err: { code: 'EX', message: 'boom' } });
    expect(readFileSync(file, 'utf8')).not.toMatch(/sk-secret|tok_live_secret/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(seen).toEqual(['resolved']);
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
