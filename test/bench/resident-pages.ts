/**
 * The physical pages a set of processes holds, each page once (Linux, /proc/PID/pagemap).
 *
 * Adding up resident set sizes counts a page every process maps as often as it is mapped: the
 * launcher and its gateway are both `node`, and the binary's code, ICU data and libraries they
 * have paged in (~45 MiB each) are the same physical pages. This reads the page frame number of
 * every resident page of each process and counts the union. The kernel gives frame numbers only
 * to a process with CAP_SYS_ADMIN (zeroes otherwise); then the result is undefined.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const PAGE_BYTES = 4096;
const ENTRY_BYTES = 8;
const PRESENT = 1n << 63n;
const PFN_MASK = (1n << 55n) - 1n;
/** Pagemap entries read per call: 64 K pages (256 MiB of address space). */
const ENTRIES_PER_READ = 65_536;

/** Mappings of `pid` with resident pages, from smaps: [start, end) addresses. */
function residentMappings(pid: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let current: [number, number] | undefined;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      current = [parseInt(range[1] as string, 16), parseInt(range[2] as string, 16)];
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current && Number(rss[1]) > 0) ranges.push(current);
  }
  return ranges;
}

/** Frame numbers of `pid`'s resident pages, added to `frames`; false if the kernel hid them. */
function addFrames(pid: number, frames: Set<bigint>): boolean {
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  const buf = Buffer.alloc(ENTRIES_PER_READ * ENTRY_BYTES);
  let present = 0;
  let withFrame = 0;
  try {
    for (const [start, end] of residentMappings(pid)) {
      for (let page = start / PAGE_BYTES; page < end / PAGE_BYTES; page += ENTRIES_PER_READ) {
        const count = Math.min(ENTRIES_PER_READ, end / PAGE_BYTES - page);
        let read: number;
        try {
          read = readSync(fd, buf, 0, count * ENTRY_BYTES, page * ENTRY_BYTES);
        } catch {
          break; // [vsyscall] and the like
        }
        for (let i = 0; i + ENTRY_BYTES <= read; i += ENTRY_BYTES) {
          const entry = buf.readBigUInt64LE(i);
          if (!(entry & PRESENT)) continue;
          present++;
          const frame = entry & PFN_MASK;
          if (frame === 0n) continue;
          withFrame++;
          frames.add(frame);
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return present === 0 || withFrame > 0;
}

/** MiB of distinct physical pages resident in any of `pids`; undefined where frame numbers are hidden (not root). */
export function distinctResidentMiB(pids: readonly number[]): number | undefined {
  const frames = new Set<bigint>();
  try {
    for (const pid of pids) if (!addFrames(pid, frames)) return undefined;
  } catch {
    return undefined;
  }
  return (frames.size * PAGE_BYTES) / (1024 * 1024);
}
