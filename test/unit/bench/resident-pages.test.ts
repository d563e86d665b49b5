import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { rssMiB } from '../../bench/proc-stats.js';
import { distinctResidentMiB } from '../../bench/resident-pages.js';

let children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children) child.kill();
  children = [];
});

/** A node process that has started and sits idle. */
async function idleNode(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setTimeout(() => {}, 20000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise((resolve) => child.stdout?.once('data', resolve));
  return child.pid as number;
}

it.runIf(process.platform === 'linux')('counts the pages two node processes share once, and a process alone as its resident set', async () => {
  const [a, b] = [await idleNode(), await idleNode()];
  const both = distinctResidentMiB([a, b]);
  if (both === undefined) {
    // The kernel gives frame numbers to CAP_SYS_ADMIN only; the bench then prints "needs root".
    expect(process.getuid?.(), 'frame numbers hidden although running as root').not.toBe(0);
    return;
  }
  const alone = distinctResidentMiB([a]) as number;
  expect(alone).toBeGreaterThan(rssMiB(a) * 0.9);
  expect(alone).toBeLessThanOrEqual(rssMiB(a) + 1);
  // Two copies of the same binary: far less than the two resident sets added up, more than one.
  expect(both).toBeGreaterThan(Math.max(rssMiB(a), rssMiB(b)));
  expect(both).toBeLessThan(rssMiB(a) + rssMiB(b) - 20);
});
