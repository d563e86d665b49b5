#!/usr/bin/env node
// Draws the menu-bar template icons (black + alpha; macOS recolours them for light and dark
// menu bars): 16 px @1x and 32 px @2x for each gateway state. Run: node build/make-tray-icons.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { coverage, encodePng } from './png.mjs';

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

/** Black, with the glyph's coverage as alpha: what a template image is. */
function png(size, inside) {
  return encodePng(size, (x, y) => [0, 0, 0, Math.round(255 * coverage(x, y, size, (u, v) => inside(u * 16, v * 16), SUPERSAMPLE))]);
}

for (const [state, inside] of Object.entries(GLYPHS)) {
  writeFileSync(path.join(OUT, `tray-${state}Template.png`), png(16, inside));
  writeFileSync(path.join(OUT, `tray-${state}Template@2x.png`), png(32, inside));
}
console.log(`tray icons written to ${OUT}`);
