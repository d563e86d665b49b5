import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The popover UI. One build serves both shells: Electron loads dist/renderer/index.html from
 * disk and `serve` hands it out on 127.0.0.1, so asset URLs are relative (`base: './'`). The
 * served CSP allows scripts and styles from 'self' only: nothing here may be inlined.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be the only script not loaded from a file; Chromium needs none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
