#!/usr/bin/env node
// `npm start`: the menu-bar app where it can run (macOS with the Electron binary installed),
// headless mode with the web UI everywhere else. Extra arguments go to `serve`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const electronPathFile = path.join(root, 'node_modules/electron/path.txt');
const electronBinary = existsSync(electronPathFile) ? path.join(root, 'node_modules/electron/dist', readFileSync(electronPathFile, 'utf8').trim()) : undefined;
const menuBarApp = process.platform === 'darwin' && electronBinary !== undefined && existsSync(electronBinary);

// The headless launcher's V8 flags (src/shared/launcher-heap.ts, built by `npm start` before this runs).
const { LAUNCHER_V8_FLAGS } = menuBarApp ? { LAUNCHER_V8_FLAGS: [] } : await import('../dist/shared/launcher-heap.js');
const [command, args] = menuBarApp
  ? [electronBinary, [root]]
  : [process.execPath, [...LAUNCHER_V8_FLAGS, path.join(root, 'bin/onecli-launcher.js'), 'serve', ...process.argv.slice(2)]];
if (!menuBarApp)
  console.error(
    process.platform === 'darwin'
      ? 'onecli: no Electron binary installed (run npm ci without ELECTRON_SKIP_BINARY_DOWNLOAD); starting headless.'
      : 'onecli: starting headless (the menu-bar app is macOS only).',
  );
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
