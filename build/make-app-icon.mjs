#!/usr/bin/env node
// Draws the app icon (1024 px PNG; electron-builder turns it into icon.icns): the tray glyph,
// a gateway ring around a key-hole, in white on a blue macOS-style rounded square.
// Run: node build/make-app-icon.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { coverage, encodePng } from './png.mjs';

const SIZE = 1024;
// macOS icon grid: the rounded square fills ~80 % of the canvas, corner radius ~22.5 % of it.
const INSET = 0.1;
const RADIUS = 0.18;

function roundedSquare(u, v) {
  const x = Math.abs(u - 0.5) - (0.5 - INSET - RADIUS);
  const y = Math.abs(v - 0.5) - (0.5 - INSET - RADIUS);
  return Math.hypot(Math.max(x, 0), Math.max(y, 0)) + Math.min(Math.max(x, y), 0) <= RADIUS;
}
function glyph(u, v) {
  const d = Math.hypot(u - 0.5, v - 0.5);
  return Math.abs(d - 0.2) <= 0.045 || d <= 0.085;
}

const png = encodePng(SIZE, (x, y) => {
  const shape = coverage(x, y, SIZE, roundedSquare, 2);
  if (shape === 0) return [0, 0, 0, 0];
  const mark = coverage(x, y, SIZE, glyph, 2);
  const t = y / SIZE; // a gentle vertical gradient, lighter at the top
  const blue = [Math.round(52 - 22 * t), Math.round(120 - 40 * t), Math.round(246 - 30 * t)];
  const rgb = blue.map((c) => Math.round(c + (255 - c) * mark));
  return [...rgb, Math.round(255 * shape)];
});
const out = path.resolve(import.meta.dirname, '../resources/icon.png');
writeFileSync(out, png);
console.log(`app icon written to ${out}`);
