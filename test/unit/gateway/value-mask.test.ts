import fc from 'fast-check';
import { expect, test } from 'vitest';
import { anchorHits, MAX_ANCHOR_HITS, maskBuffer, planSearch, ValueMask } from '../../../src/gateway/value-mask.js';

const VALUE = 'sk-live-abcdef0123456789';
const STAR = (n: number) => '*'.repeat(n);

function through(mask: ValueMask, chunks: readonly string[]): string {
  const s = mask.stream();
  const out: Buffer[] = chunks.map((c) => Buffer.from(s.push(Buffer.from(c, 'latin1'))));
  out.push(s.end());
  return Buffer.concat(out).toString('latin1');
}

test('masks the value, its base64, JSON-escaped and percent-encoded forms, at the same length', () => {
  const v = 'k"ey/with+odd=chars';
  const mask = new ValueMask([v]);
  const b64 = Buffer.from(v).toString('base64');
  const json = JSON.stringify(v).slice(1, -1);
  const pct = encodeURIComponent(v);
  const body = `a ${v} b ${b64} c ${json} d ${pct} e`;
  expect(through(mask, [body])).toBe(`a ${STAR(v.length)} b ${STAR(b64.length)} c ${STAR(json.length)} d ${STAR(pct.length)} e`);
});

test('the exact header value the rule wrote (a Basic token) is masked too', () => {
  const basic = `Basic ${Buffer.from(`x-access-token:${VALUE}`).toString('base64')}`;
  const mask = new ValueMask([VALUE], [basic]);
  expect(mask.maskText(`echo: ${basic}`)).toBe(`echo: ${STAR(basic.length)}`);
});

test('headers: only the fields that hold a needle change', () => {
  const mask = new ValueMask([VALUE]);
  const raw = ['Set-Cookie', `s=${VALUE}`, 'Content-Type', 'text/plain'];
  expect(mask.maskHeaders(raw)).toEqual(['Set-Cookie', `s=${STAR(VALUE.length)}`, 'Content-Type', 'text/plain']);
  const clean = ['A', 'b'];
  expect(mask.maskHeaders(clean)).toBe(clean);
});

test('text that only starts like the value is held back no longer than needed, then sent as it is', () => {
  const s = new ValueMask([VALUE]).stream();
  expect(s.push(Buffer.from('data: x\n\nsk-li')).toString()).toBe('data: x\n\n');
  expect(s.push(Buffer.from('ght is not a key\n\n')).toString()).toBe('sk-light is not a key\n\n');
  expect(s.end().length).toBe(0);
});

test('an SSE event that ends a chunk is sent whole, not held for the next one', () => {
  const s = new ValueMask([VALUE]).stream();
  const event = `data: {"key":"${VALUE}"}\n\n`;
  expect(s.push(Buffer.from(event)).toString()).toBe(`data: {"key":"${STAR(VALUE.length)}"}\n\n`);
});

test('property: however the body is cut into chunks, no needle survives and every other byte is kept', () => {
  const needleish = fc.constantFrom(VALUE, VALUE.slice(0, 5), VALUE.slice(3), Buffer.from(VALUE).toString('base64'), 'sk-', 's', '**');
  fc.assert(
    fc.property(fc.array(fc.oneof(needleish, fc.string({ maxLength: 12 })), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (parts, cuts) => {
      const body = parts.join('');
      const points = [...new Set(cuts.map((c) => (body.length ? c % body.length : 0)))].sort((a, b) => a - b);
      const chunks: string[] = [];
      let at = 0;
      for (const p of points) {
        chunks.push(body.slice(at, p));
        at = p;
      }
      chunks.push(body.slice(at));
      const mask = new ValueMask([VALUE]);
      const out = through(mask, chunks);
      expect(out.length).toBe(body.length);
      expect(out).toBe(through(mask, [body]));
      expect(out).not.toContain(VALUE);
      expect(out).not.toContain(Buffer.from(VALUE).toString('base64'));
    }),
    { numRuns: 500 },
  );
});

test('forms other encoders write: JSON with \\/, lower-case and Python-style percent-encoding, unpadded base64, base64url, base64 inside a larger string', () => {
  const v = 'sk/Live+SECRET=4d2f8a91c3!';
  const mask = new ValueMask([v]);
  const forms = [
    v.replaceAll('/', '\\/'),
    encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    encodeURIComponent(v).replace('!', '%21'),
    Buffer.from(v).toString('base64').replace(/=+$/, ''),
    Buffer.from(v).toString('base64url'),
  ];
  for (const form of forms) expect(mask.maskText(`<${form}>`)).toBe(`<${'*'.repeat(form.length)}>`);
  // Base64 of the value after 0, 1 or 2 other bytes (a Basic header): all but the edge characters masked.
  for (const prefix of ['', 'x', 'x:', 'x-access-token:']) {
    const b64 = Buffer.from(`${prefix}${v}`).toString('base64');
    const masked = mask.maskText(b64);
    expect(masked.match(/\*/g)?.length ?? 0).toBeGreaterThanOrEqual(Math.floor(((v.length - 2) * 4) / 3) - 4);
    expect(Buffer.from(masked.replace(/\*/g, 'A'), 'base64').toString('latin1')).not.toContain(v.slice(2, -2));
  }
});

/** The scan before needles were grouped: every needle searched on its own, longest first. */
function maskOneByOne(buf: Buffer, needles: readonly Buffer[]): void {
  for (const needle of needles) {
    let at = buf.indexOf(needle);
    while (at !== -1) {
      buf.fill(0x2a, at, at + needle.length);
      at = buf.indexOf(needle, at + needle.length);
    }
  }
}

test('needles that share a start are searched once, by that start', () => {
  // Percent and JSON forms share the value up to its first special character; padded base64 holds the unpadded.
  const mask = new ValueMask(['sk-ant-api03-AbC_dEf-GhIjKlMnOpQrStUvWxYz0123456789+/=']);
  const { needles, anchors, anchorOf } = mask.search;
  expect(needles.length).toBe(13);
  // The value and its nine percent and JSON forms by one anchor; its three base64 alignments alone.
  expect(anchors.map((a) => a.toString())).toEqual(['sk-ant-api03-AbC_dEf-GhIjKlMnOpQrStUvWxYz0123456789']);
  expect(anchorOf.filter((a) => a === -1).length).toBe(3);
  // A padded base64 holds the unpadded one and the whole alignment: one anchor for the three.
  expect(new ValueMask(['sk-lab-VALUE-0a9b8c7d6e5f']).search.anchors.map((a) => a.toString())).toEqual(['c2stbGFiLVZBTFVFLTBhOWI4YzdkNmU1']);
  needles.forEach((n, i) => {
    const a = anchorOf[i] as number;
    if (a !== -1) expect(n.subarray(0, (anchors[a] as Buffer).length).equals(anchors[a] as Buffer)).toBe(true);
  });
  // Too little in common to search for cheaply, or a `*` that masking could complete: searched alone.
  expect(planSearch([Buffer.from('abcdefghijkX'), Buffer.from('abcdefghijkY')]).anchors.length).toBe(0);
  expect(planSearch([Buffer.from('abcdefghijklX'), Buffer.from('abcdefghijklY')]).anchors.length).toBe(1);
  expect(planSearch([Buffer.from('abcdefghijkl*'), Buffer.from('abcdefghijklY')]).anchors.length).toBe(0);
});

test('property: the grouped scan masks exactly what searching each needle on its own masks', () => {
  // One repeats itself (where its start matches and the rest does not, the next match may begin
  // inside it), one has `*`s that masking can complete.
  const values = [
    'sk-ant-api03-AbC_dEf-GhIjKlMnOpQrStUvWxYz0123456789+/=',
    'p@ss word/with&odd=chars!',
    VALUE,
    'aaaaaaaaaaaaaaaaaaaaaaaa',
    'abcabcabcabcabcabc/x',
    'ab*cdefghijklmn*op/q',
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...values),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.array(fc.string({ maxLength: 6 }), { maxLength: 12 }),
      (value, picks, noise) => {
        const mask = new ValueMask([value]);
        // Needles whole, cut short, overlapping and back to back, between bits of noise.
        const parts = picks.map((p, i) => {
          const n = (mask.needles[p % mask.needles.length] as Buffer).toString('latin1');
          const cut = p % 3 === 0 ? n.slice(0, (p >> 2) % n.length) : p % 3 === 1 ? n.slice((p >> 2) % n.length) : n;
          return cut + (noise[i] ?? '');
        });
        const body = Buffer.from(parts.join(''), 'latin1');
        const grouped = Buffer.from(body);
        const oneByOne = Buffer.from(body);
        maskBuffer(grouped, mask.search);
        maskOneByOne(oneByOne, mask.needles);
        expect(grouped.toString('latin1')).toBe(oneByOne.toString('latin1'));
      },
    ),
    { numRuns: 3000, seed: 18 },
  );
});

test('a body of copies of an anchor is scanned needle by needle, and masks the same', () => {
  const value = 'sk-ant-api03-AbC_dEf-GhIjKlMnOpQrStUvWxYz0123456789+/=';
  const mask = new ValueMask([value]);
  const anchor = (mask.search.anchors[0] as Buffer).toString('latin1');
  // Past the bound the hits are not collected: the work per buffer stays what each needle's own search costs.
  expect(anchorHits(Buffer.from(anchor.repeat(MAX_ANCHOR_HITS)), mask.search.anchors[0] as Buffer)?.length).toBe(MAX_ANCHOR_HITS);
  expect(anchorHits(Buffer.from(anchor.repeat(MAX_ANCHOR_HITS + 1)), mask.search.anchors[0] as Buffer)).toBeUndefined();
  for (const copies of [MAX_ANCHOR_HITS - 1, MAX_ANCHOR_HITS, MAX_ANCHOR_HITS + 1, 2000]) {
    for (const body of [`${anchor}+`.repeat(copies) + value, value + anchor.repeat(copies) + encodeURIComponent(value) + anchor]) {
      const grouped = Buffer.from(body, 'latin1');
      const oneByOne = Buffer.from(body, 'latin1');
      maskBuffer(grouped, mask.search);
      maskOneByOne(oneByOne, mask.needles);
      expect(grouped.toString('latin1')).toBe(oneByOne.toString('latin1'));
      expect(grouped.toString('latin1')).not.toContain(value);
    }
  }
});
