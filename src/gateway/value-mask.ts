import type { Readable } from 'node:stream';

/**
 * Keeps injected credentials from coming back to the agent. Every response from a mapped host
 * passes through here: headers, and the body as it streams. Each occurrence of a needle (the
 * value, and each form the gateway wrote it in) is overwritten in place with `*` of the same
 * length, so Content-Length, byte offsets and WebSocket frame lengths stay right and nothing is
 * buffered beyond the few bytes that could be the start of a needle.
 */
const MASK_BYTE = 0x2a; // '*'

/**
 * Percent-encoding as JavaScript, Python's `quote` (also `!'()*`) and lower-case hex write it,
 * and form encoding (a space as `+`, as a query string echoed by a form parser is written).
 */
function percentForms(value: string): string[] {
  const js = encodeURIComponent(value);
  const strict = js.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  // Encoders that leave some reserved characters as they are: Python's `quote` (default safe="/"),
  // Go's url.PathEscape ($&+:=@). And the value encoded twice (a redirect's `next=` holding the URL).
  const keep = (chars: string) => strict.replace(/%(2F|24|26|2B|3A|3D|40)/g, (h) => (chars.includes(decodeURIComponent(h)) ? decodeURIComponent(h) : h));
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  const upper = [js, strict, keep('/'), keep('$&+:=@')];
  const forms = [...upper, ...upper.map(lower), encodeURIComponent(strict), encodeURIComponent(lower(strict))];
  if (value.includes(' ')) forms.push(...forms.map((f) => f.replaceAll('%20', '+')));
  return forms;
}

/**
 * Base64 of the value wherever it sits in a larger encoded string (a Basic header, a token that
 * embeds it): for each of the three alignments, the characters that depend on the value's bytes
 * alone. Plus the whole standard encoding (padded and not) and the URL-safe alphabet.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const forms: string[] = [bytes.toString('base64'), bytes.toString('base64url')];
  for (const skip of [0, 1, 2]) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole < 3) continue;
    const middle = bytes.subarray(skip, skip + whole);
    forms.push(middle.toString('base64'), middle.toString('base64url'));
  }
  return forms;
}

/**
 * The forms of a value an upstream could echo: raw, JSON-escaped (also with `\/`), percent-
 * encoded, and base64. Arbitrary transformations cannot be covered (docs/security.md).
 */
function valueForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [value, json, json.replaceAll('/', '\\/'), ...percentForms(value), ...base64Forms(value)];
}

/**
 * How a set of needles is searched. Needles that start with the same bytes (the percent and JSON
 * forms of a value share all of it up to its first special character; a padded base64 holds the
 * unpadded one) are found with one search for that shared start, their anchor, and told apart
 * where it matches: one pass over a body per anchor instead of one per needle, which was most of
 * the scan's cost on a large body.
 */
export interface NeedleSearch {
  /** Every needle, longest first: the order they are masked in. */
  readonly needles: readonly Buffer[];
  /** Shared starts, each of two needles or more. */
  readonly anchors: readonly Buffer[];
  /** For each needle, the index of its anchor, or -1 if it is searched for on its own. */
  readonly anchorOf: readonly number[];
}

/**
 * Below this an anchor is too short to search for cheaply (a short pattern skips little and
 * matches often), so needles that share less are searched for on their own.
 */
const MIN_ANCHOR_BYTES = 12;

function commonPrefixLength(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Anchors for `needles` (longest first). Sorted, neighbours share the longest starts. A needle
 * with a `*` in it is searched for on its own: masking can make new matches for it, which a
 * search made before the masking would not see.
 */
export function planSearch(needles: readonly Buffer[]): NeedleSearch {
  const groups: { anchor: Buffer; members: number[] }[] = [];
  const sorted = needles.map((n, i) => i).filter((i) => !(needles[i] as Buffer).includes(MASK_BYTE));
  sorted.sort((a, b) => Buffer.compare(needles[a] as Buffer, needles[b] as Buffer));
  for (const i of sorted) {
    const needle = needles[i] as Buffer;
    const last = groups.at(-1);
    const shared = last ? commonPrefixLength(last.anchor, needle) : 0;
    if (last && shared >= MIN_ANCHOR_BYTES) {
      last.anchor = last.anchor.subarray(0, shared);
      last.members.push(i);
    } else groups.push({ anchor: needle, members: [i] });
  }
  const anchors: Buffer[] = [];
  const anchorOf = needles.map(() => -1);
  for (const g of groups) {
    if (g.members.length < 2) continue;
    for (const i of g.members) anchorOf[i] = anchors.length;
    anchors.push(g.anchor);
  }
  return { needles, anchors, anchorOf };
}

/**
 * More hits than this in one buffer and the anchor's needles are searched for on their own, as
 * before anchors: a body made of copies of an anchor (an upstream that echoes what the agent
 * sends can be told to return one) would otherwise cost a comparison per needle per copy in
 * JavaScript, where each needle's own search does that work in native code.
 */
export const MAX_ANCHOR_HITS = 32;

const NO_HITS: readonly number[] = [];

/** Every place `anchor` starts in `buf`, overlapping ones too; undefined past MAX_ANCHOR_HITS. */
export function anchorHits(buf: Buffer, anchor: Buffer): readonly number[] | undefined {
  let at = buf.indexOf(anchor);
  if (at === -1) return NO_HITS;
  const hits: number[] = [];
  for (; at !== -1; at = buf.indexOf(anchor, at + 1)) {
    if (hits.length === MAX_ANCHOR_HITS) return undefined;
    hits.push(at);
  }
  return hits;
}

/** Masks every match of `needle` left to right, each search starting after the last mask. */
function maskEach(buf: Buffer, needle: Buffer): void {
  let at = buf.indexOf(needle);
  while (at !== -1) {
    buf.fill(MASK_BYTE, at, at + needle.length);
    at = buf.indexOf(needle, at + needle.length);
  }
}

export class ValueMask {
  readonly needles: readonly Buffer[];
  readonly search: NeedleSearch;
  readonly #strings: readonly string[];
  /** The longest needle less one: what a chunk may end with that the next chunk completes. */
  readonly maxCarry: number;

  /** `written` are the exact header values the gateway sent (e.g. a Basic token), if they differ. */
  constructor(values: readonly string[], written: readonly string[] = []) {
    const strings = new Set<string>();
    for (const v of values) for (const form of valueForms(v)) if (form) strings.add(form);
    // A needle that is part of a longer one is masked by it, except where it stands alone. A written
    // header without the raw value (`Basic <base64>`) is masked in every form, its base64 included.
    for (const w of written) if (w && !values.some((v) => w.includes(v))) for (const form of valueForms(w)) if (form) strings.add(form);
    // Longest first: a longer form that holds a shorter one is masked whole.
    this.#strings = [...strings].sort((a, b) => b.length - a.length);
    this.needles = this.#strings.map((s) => Buffer.from(s, 'latin1'));
    this.search = planSearch(this.needles);
    this.maxCarry = Math.max(0, ...this.needles.map((n) => n.length - 1));
  }

  /** Masks text (a header name or value). */
  maskText(text: string): string {
    let out = text;
    for (const s of this.#strings) if (out.includes(s)) out = out.replaceAll(s, '*'.repeat(s.length));
    return out;
  }

  /** Flat raw headers (name, value, name, value…), masked. Returns the same array when clean. */
  maskHeaders(raw: readonly string[]): string[] {
    let out: string[] | undefined;
    for (let i = 0; i < raw.length; i++) {
      const masked = this.maskText(raw[i] as string);
      if (masked !== raw[i]) (out ??= [...raw])[i] = masked;
    }
    return out ?? (raw as string[]);
  }

  /** A scanner for one body: feed chunks in order, then `end()`. */
  stream(): MaskingStream {
    return new MaskingStream(this);
  }
}

/**
 * Masks in place; returns how far the buffer is safe to send (the rest may start a needle). Each
 * needle in turn, longest first, every match left to right that no earlier mask has touched: as
 * searching for each needle on its own would, only the anchors are searched for once, before.
 */
export function maskBuffer(buf: Buffer, search: NeedleSearch): number {
  const { needles, anchorOf } = search;
  // A needle's matches are at its anchor's hits: masking takes matches away but makes none (no `*` in it).
  const hits = search.anchors.map((anchor) => anchorHits(buf, anchor));
  for (let i = 0; i < needles.length; i++) {
    const needle = needles[i] as Buffer;
    const at = anchorOf[i] as number;
    const places = at === -1 ? undefined : hits[at];
    if (!places) {
      maskEach(buf, needle);
      continue;
    }
    // A hit inside an earlier mask no longer matches, as a search of the masked buffer would skip it.
    for (const start of places) {
      const end = start + needle.length;
      if (end <= buf.length && buf.compare(needle, 0, needle.length, start, end) === 0) buf.fill(MASK_BYTE, start, end);
    }
  }
  let safe = buf.length;
  for (const needle of needles) {
    // The longest suffix of buf that is a proper prefix of the needle must wait for more bytes.
    const first = needle[0] as number;
    let at = buf.indexOf(first, Math.max(0, buf.length - needle.length + 1));
    while (at !== -1) {
      if (buf.compare(needle, 0, buf.length - at, at) === 0) {
        if (at < safe) safe = at;
        break;
      }
      at = buf.indexOf(first, at + 1);
    }
  }
  return safe;
}

export class MaskingStream {
  #carry: Buffer | undefined;

  constructor(private readonly mask: ValueMask) {}

  /** The bytes of `chunk` (with any held-back tail before it) that can be sent now, masked. */
  push(chunk: Buffer): Buffer {
    const buf = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = undefined;
    const safe = maskBuffer(buf, this.mask.search);
    if (safe === buf.length) return buf;
    // Copy the tail: `buf` may be a slice of a pooled buffer that the caller hands on.
    this.#carry = Buffer.from(buf.subarray(safe));
    return buf.subarray(0, safe);
  }

  /** What is left at the end of the body: it cannot complete a needle any more. */
  end(): Buffer {
    const rest = this.#carry ?? Buffer.alloc(0);
    this.#carry = undefined;
    return rest;
  }
}

/** Sends a body through the masking scanner, keeping backpressure: nothing is buffered beyond a partial needle. */
export function pipeMasked(source: Readable, sink: NodeJS.WritableStream & { destroy(): void }, scanner: MaskingStream): void {
  const resume = () => source.resume();
  source.on('data', (chunk: Buffer) => {
    const out = scanner.push(chunk);
    if (out.length && !sink.write(out)) {
      source.pause();
      sink.once('drain', resume);
    }
  });
  source.once('end', () => {
    const rest = scanner.end();
    if (rest.length) sink.end(rest);
    else sink.end();
  });
}
