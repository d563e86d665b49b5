import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ValueMask } from '../../../src/gateway/value-mask.js';
import { WebSocketFrameScanner } from '../../../src/gateway/websocket-mask.js';

const VALUE = 'sk-live-abcdef0123456789';
const MASKED = '*'.repeat(VALUE.length);

/** A server frame (unmasked): FIN flag, opcode, payload. */
function frame(fin: boolean, opcode: number, payload: string | Buffer): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const len = body.length;
  const head = len < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, len]) : Buffer.from([(fin ? 0x80 : 0) | opcode, 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, body]);
}

/** Payloads of data frames, in order, as text. */
function payloads(bytes: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const len7 = (bytes[at + 1] as number) & 0x7f;
    const hl = len7 === 126 ? 4 : 2;
    const len = len7 === 126 ? bytes.readUInt16BE(at + 2) : len7;
    out.push(bytes.subarray(at + hl, at + hl + len).toString());
    at += hl + len;
  }
  return out;
}

const scanner = () => new WebSocketFrameScanner(new ValueMask([VALUE]));
const ok = (r: ReturnType<WebSocketFrameScanner['push']>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.out;
};

test('a message fragmented inside the value, with a ping between the fragments, comes out masked, frame lengths kept', () => {
  const s = scanner();
  const cut = 7;
  const a = ok(s.push(frame(false, 1, `key: ${VALUE.slice(0, cut)}`)));
  expect(a.length).toBe(0); // held: it ends in what could be the start of the value
  const ping = ok(s.push(frame(true, 9, `ping ${VALUE}`)));
  expect(payloads(ping)).toEqual([`ping ${MASKED}`]);
  const rest = ok(s.push(frame(true, 0, `${VALUE.slice(cut)} done`)));
  expect(payloads(rest).join('')).toBe(`key: ${MASKED} done`);
  expect(payloads(rest).map((p) => p.length)).toEqual([5 + cut, VALUE.length - cut + 5]);
});

test('a whole frame that ends in the first byte of the value goes out at once (no stall)', () => {
  const s = scanner();
  expect(payloads(ok(s.push(frame(true, 1, 'ok: s'))))).toEqual(['ok: s']);
});

test('frames split across reads at every byte', () => {
  const bytes = Buffer.concat([frame(false, 1, `a ${VALUE.slice(0, 10)}`), frame(true, 0, `${VALUE.slice(10)} b`), frame(true, 2, VALUE)]);
  for (let cut = 1; cut < bytes.length; cut++) {
    const s = scanner();
    const out = Buffer.concat([ok(s.push(Buffer.from(bytes.subarray(0, cut)))), ok(s.push(Buffer.from(bytes.subarray(cut))))]);
    expect(out.length).toBe(bytes.length);
    expect(out.toString('latin1')).not.toContain(VALUE);
  }
});

test.each([
  ['a masked server frame', Buffer.from([0x81, 0x80 | 4, 1, 2, 3, 4, 5, 6, 7, 8])],
  ['an RSV1 (permessage-deflate) frame', Buffer.from([0xc1, 1, 0x41])],
  ['a frame larger than the scan limit', Buffer.from([0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0])],
])('%s closes the connection', (_name, bytes) => {
  expect(scanner().push(bytes).ok).toBe(false);
});

test('property: however a message is fragmented and read, no value survives and lengths are kept', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant(VALUE), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (parts, fragCuts, readCuts) => {
        const text = parts.join('');
        const points = [...new Set(fragCuts.map((c) => (text.length ? c % text.length : 0)))].sort((a, b) => a - b);
        const frags: string[] = [];
        let at = 0;
        for (const p of points) {
          frags.push(text.slice(at, p));
          at = p;
        }
        frags.push(text.slice(at));
        const bytes = Buffer.concat(frags.map((f, i) => frame(i === frags.length - 1, i === 0 ? 1 : 0, f)));
        const reads = [...new Set(readCuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        const s = scanner();
        const out: Buffer[] = [];
        let from = 0;
        for (const r of [...reads, bytes.length]) {
          out.push(ok(s.push(Buffer.from(bytes.subarray(from, r)))));
          from = r;
        }
        const all = Buffer.concat(out);
        expect(all.length).toBe(bytes.length);
        expect(payloads(all).join('')).not.toContain(VALUE);
        expect(payloads(all).join('').length).toBe(text.length);
      },
    ),
    { numRuns: 300 },
  );
});
