import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The Electron binary cannot be had here: src/main is tested against a small stub.
  resolve: { alias: { electron: path.resolve(import.meta.dirname, 'test/support/electron-stub.ts') } },
  test: {
    // test/unit/renderer/*.test.tsx run in happy-dom (each says so in its first line); the rest in Node.
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Integration tests spawn real processes and real clients; 2 cores share them.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The plain closing line (`N passed, N failed, N skipped`) after vitest's own summary.
    reporters: ['default', './build/test-summary-reporter.ts'],
    maxWorkers: 2,
  },
});
