#!/usr/bin/env node
// Draws the menu-bar template icons (black + alpha; macOS recolours them for light and dark
// menu bars): 16 px @1x and 32 px @2x for each gateway state. Run: node build/make-tray-icons.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const OUT = path.resolve(import.meta.dirname, '../resources/tray');
const SUPERSAMPLE = 4;

/** The glyph: a ring (the gateway) around a key-hole dot; states differ in what is filled. */
const GLYPHS = {
  // running: a solid ring and a solid core
  running: (x, y) => ring(x, y, 1) || dot(x, y, 2.4),
  // degraded: the ring is broken at the bottom right, and the core is a small bar (attention)
  degraded: (x, y) => (ring(x, y, 1) && !(x > 9.5 && y > 9.5)) || (Math.abs(x - 8) < 0.9 && y > 4.6 && y < 8.6) || dot(x, y - 2.7, 0.95),
  // stopped: the ring alone, thinner
  stopped: (x, y) => ring(x, y, 0.6),
};

function ring(x, y, halfWidth) {
  const d = Math.hypot(x - 8, y - 8);
  return Math.abs(d - 6) <= halfWidth;
}
function dot(x, y, r) {
  return Math.hypot(x - 8, y - 8) <= r;
}

function png(size, inside) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = ((px + (sx + 0.5) / SUPERSAMPLE) * 16) / size;
          const y = ((py + (sy + 0.5) / SUPERSAMPLE) * 16) / size;
          if (inside(x, y)) hits++;
        }
      }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      raw[o + 3] = Math.round((255 * hits) / SUPERSAMPLE ** 2); // black, alpha only
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

for (const [state, inside] of Object.entries(GLYPHS)) {
  writeFileSync(path.join(OUT, `tray-${state}Template.png`), png(16, inside));
  writeFileSync(path.join(OUT, `tray-${state}Template@2x.png`), png(32, inside));
}
console.log(`tray icons written to ${OUT}`);
