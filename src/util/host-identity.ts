import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { shortHash } from '../run/run-id.js';

/**
 * Which process table a pid belongs to: host name, kernel boot and pid namespace. Two containers
 * with the same host name on one kernel differ in pid namespace, so a pid is only ever checked
 * against the process table it came from.
 */
export function hostIdentity(): string {
  const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  const pidNamespace = read(() => readlinkSync('/proc/self/ns/pid'));
  // Without both, a pid cannot be placed: a unique identity means it is never checked, only the heartbeat counts.
  if (!boot || !pidNamespace) return `unplaced-${process.pid}-${Math.random().toString(36).slice(2)}`;
  return shortHash(`${hostname()}/${boot}/${pidNamespace}`, 12);
}

/**
 * True when `pid` is certainly not running in this process table; false when unsure. Gone means:
 * no such process (ESRCH); a zombie (it died and runs no code, only its parent has not reaped it
 * yet); or, when `startTicks` is given, a process with another start time (the pid was reused).
 */
export function isCertainlyGone(pid: number, startTicks?: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = procStat(pid);
  if (!stat) return false;
  if (stat.state === 'Z' || stat.state === 'X') return true;
  return startTicks !== undefined && stat.startTicks !== startTicks;
}

/** When `pid` started, in clock ticks since boot (/proc/<pid>/stat field 22): with the pid, names one process. */
export function processStartTicks(pid: number = process.pid): number | undefined {
  return procStat(pid)?.startTicks;
}

function procStat(pid: number): { state: string; startTicks: number } | undefined {
  const text = read(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: fields after the last ")".
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(rest[19]);
  if (!text || !rest[0] || !Number.isInteger(startTicks)) return undefined;
  return { state: rest[0], startTicks };
}

function read(fn: () => string): string {
  try {
    return fn();
  } catch {
    return '';
  }
}
