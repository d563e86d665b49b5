import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { trayIconPath, type TrayState } from '../../../src/main/tray-icons.js';

const resources = path.resolve(import.meta.dirname, '../../../resources');

function decode(file: string) {
  const png = readFileSync(file);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]); // 8-bit RGBA
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  return { width, height, raw: inflateSync(Buffer.concat(idat)) };
}

test.each<TrayState>(['running', 'degraded', 'stopped'])('%s: a 16 px template image and its @2x, black with alpha only', (state) => {
  const file = trayIconPath(resources, state);
  expect(path.basename(file)).toMatch(/Template\.png$/); // macOS recolours "Template" images for the menu bar
  for (const [name, size] of [
    [file, 16],
    [file.replace('.png', '@2x.png'), 32],
  ] as const) {
    const { width, height, raw } = decode(name);
    expect([width, height]).toEqual([size, size]);
    let opaque = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = y * (size * 4 + 1) + 1 + x * 4;
        expect([raw[o], raw[o + 1], raw[o + 2]]).toEqual([0, 0, 0]);
        if ((raw[o + 3] ?? 0) > 128) opaque++;
      }
    }
    expect(opaque).toBeGreaterThan(size); // a visible glyph, not an empty image
  }
});
