/**
 * A reader for XML property lists: the entitlements files in resources/, the XML that
 * `codesign -d --entitlements - --xml` prints, and Info.plist after `plutil -convert xml1`.
 * Dates and data stay as their text; nothing here needs them decoded.
 */
export type PlistValue = string | number | boolean | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

type Token = { kind: 'open' | 'close' | 'empty'; name: string } | { kind: 'text'; text: string };

const LEAF_TAGS = new Set(['key', 'string', 'integer', 'real', 'date', 'data']);

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()] ?? '';
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function tokenize(xml: string): Token[] {
  const body = xml
    .replace(/<\?xml[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE[\s\S]*?>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const tokens: Token[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>|([^<]+)/g)) {
    if (m[4] !== undefined) tokens.push({ kind: 'text', text: m[4] });
    else tokens.push({ kind: m[1] ? 'close' : m[3] ? 'empty' : 'open', name: m[2] ?? '' });
  }
  return tokens;
}

class PlistReader {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  /** The next tag, skipping the whitespace between elements. */
  #nextTag(): Exclude<Token, { kind: 'text' }> {
    for (;;) {
      const t = this.tokens[this.#i++];
      if (!t) throw new Error('plist: unexpected end of document');
      if (t.kind !== 'text') return t;
      if (t.text.trim()) throw new Error(`plist: unexpected text "${t.text.trim().slice(0, 40)}"`);
    }
  }

  #peekTag(): Exclude<Token, { kind: 'text' }> | undefined {
    const at = this.#i;
    try {
      return this.#nextTag();
    } catch {
      return undefined;
    } finally {
      this.#i = at;
    }
  }

  #leafText(name: string): string {
    let text = '';
    for (;;) {
      const t = this.tokens[this.#i++];
      if (!t) throw new Error(`plist: <${name}> is not closed`);
      if (t.kind === 'text') text += t.text;
      else if (t.kind === 'close' && t.name === name) return decodeEntities(text);
      else throw new Error(`plist: <${t.name}> inside <${name}>`);
    }
  }

  value(): PlistValue {
    const tag = this.#nextTag();
    if (tag.kind === 'close') throw new Error(`plist: unexpected </${tag.name}>`);
    if (tag.kind === 'empty') {
      if (tag.name === 'true') return true;
      if (tag.name === 'false') return false;
      if (tag.name === 'dict') return {};
      if (tag.name === 'array') return [];
      if (LEAF_TAGS.has(tag.name)) return tag.name === 'integer' || tag.name === 'real' ? 0 : '';
      throw new Error(`plist: unknown element <${tag.name}/>`);
    }
    if (tag.name === 'dict') return this.#dict();
    if (tag.name === 'array') return this.#array();
    if (!LEAF_TAGS.has(tag.name) || tag.name === 'key') throw new Error(`plist: unexpected <${tag.name}>`);
    const text = this.#leafText(tag.name);
    return tag.name === 'integer' || tag.name === 'real' ? Number(text.trim()) : text;
  }

  #dict(): PlistDict {
    const dict: PlistDict = {};
    for (;;) {
      const tag = this.#nextTag();
      if (tag.kind === 'close' && tag.name === 'dict') return dict;
      if (tag.kind !== 'open' || tag.name !== 'key') throw new Error(`plist: expected <key> in <dict>, found <${tag.name}>`);
      const key = this.#leafText('key');
      dict[key] = this.value();
    }
  }

  #array(): PlistValue[] {
    const items: PlistValue[] = [];
    for (;;) {
      const next = this.#peekTag();
      if (next?.kind === 'close' && next.name === 'array') {
        this.#nextTag();
        return items;
      }
      items.push(this.value());
    }
  }

  document(): PlistValue {
    const first = this.#peekTag();
    if (first?.name !== 'plist') return this.value();
    this.#nextTag();
    const root = this.value();
    const end = this.#nextTag();
    if (end.kind !== 'close' || end.name !== 'plist') throw new Error('plist: expected </plist>');
    return root;
  }
}

/** Parses an XML property list; throws on anything that is not one. */
export function parsePlist(xml: string): PlistValue {
  return new PlistReader(tokenize(xml)).document();
}

/** Parses a plist whose root must be a dictionary (entitlements, Info.plist). */
export function parsePlistDict(xml: string): PlistDict {
  const root = parsePlist(xml);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new Error('plist: the root is not a <dict>');
  return root;
}
