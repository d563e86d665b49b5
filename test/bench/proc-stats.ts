/** Memory and CPU of a process, read from /proc (Linux). */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

function statusFieldKiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/** Peak resident set size (VmHWM) in MiB. */
export function peakRssMiB(pid: number): number {
  return statusFieldKiB(pid, 'VmHWM') / 1024;
}

/** Current resident set size (VmRSS) in MiB. */
export function rssMiB(pid: number): number {
  return statusFieldKiB(pid, 'VmRSS') / 1024;
}

/** Current resident memory (VmRSS) split into anonymous (the process's own) and file-backed (code and data files, shared with every process that maps them), MiB. */
export function rssSplitMiB(pid: number): { anonMiB: number; fileMiB: number } {
  return { anonMiB: statusFieldKiB(pid, 'RssAnon') / 1024, fileMiB: statusFieldKiB(pid, 'RssFile') / 1024 };
}

/** Clock ticks per second for /proc/<pid>/stat times. */
export async function clockTicksPerSecond(): Promise<number> {
  try {
    const { stdout } = await execFileAsync('getconf', ['CLK_TCK']);
    const ticks = Number(stdout.trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** User + system CPU time consumed so far, in ms (all threads). */
export function cpuMs(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/**
 * TCP connections this machine has opened so far (ActiveOpens in /proc/net/snmp). System-wide:
 * a delta around a load run shows whether the load generator kept its connections alive.
 */
export function tcpActiveOpens(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Tcp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const value = Number(values[names.indexOf('ActiveOpens')]);
  if (!Number.isFinite(value)) throw new Error('/proc/net/snmp has no Tcp ActiveOpens');
  return value;
}

function cpuJiffies(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** How busy the whole machine is over `ms` (0–100 % of all cores). */
export async function machineBusyPercent(ms: number): Promise<number> {
  const before = cpuJiffies();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuJiffies();
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.busy - before.busy)) / total : 0;
}
