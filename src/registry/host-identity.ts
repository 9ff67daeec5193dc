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

/** True when `pid` is certainly not running in this process table (ESRCH); false when unsure. */
export function isCertainlyGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function read(fn: () => string): string {
  try {
    return fn();
  } catch {
    return '';
  }
}
