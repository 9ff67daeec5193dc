import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostIdentity, isCertainlyGone, processStartTicks } from './host-identity.js';

const OWNER_FILE = 'owner.json';

/** The dirs of runs (scope journals) and of `runtag demo` (its summary): reaped by every run's start. */
export const RUN_DIR_PREFIX = 'runtag-run-';
export const DEMO_DIR_PREFIX = 'runtag-demo-';

interface Owner {
  pid: number;
  /** The owner's start time (clock ticks since boot): a later process with the same pid is not the owner. Absent in dirs of older runtags. */
  pidStartTicks?: number;
  hostIdentity: string;
  startedAt: string;
}

/**
 * A private temp directory (0700) that records which process owns it, so that if that process dies
 * without removing it, the next run can prove it is a leftover and remove it.
 */
export function createOwnedTempDir(name: string, owner?: { uid: number; gid: number }): string {
  const dir = join(tmpdir(), name);
  mkdirSync(dir, { mode: 0o700 });
  const record: Owner = { pid: process.pid, pidStartTicks: processStartTicks(), hostIdentity: hostIdentity(), startedAt: new Date().toISOString() };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(record), { mode: 0o600 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(join(dir, OWNER_FILE), owner.uid, owner.gid);
  }
  return dir;
}

/**
 * What every run removes at its start: run dirs and demo dirs whose owner is provably gone, whatever
 * kind of run left them (a killed `runtag demo` is cleaned up by the next plain Vitest run too).
 */
export function reapLeftoverRunDirs(): string[] {
  return [...reapOwnedTempDirs(RUN_DIR_PREFIX), ...reapOwnedTempDirs(DEMO_DIR_PREFIX)];
}

/**
 * Remove temp directories named `<prefix>…` whose owner is provably gone from this machine;
 * `beforeRemove` runs first (e.g. to stop a server still running from one). Directories without an
 * owner file, or with a live owner, are never touched.
 */
export function reapOwnedTempDirs(prefix: string, beforeRemove: (dir: string) => void = () => {}): string[] {
  const here = hostIdentity();
  const reaped: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(prefix)) continue;
    const dir = join(tmpdir(), name);
    let owner: Owner;
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      continue;
    }
    if (owner.hostIdentity !== here || !isCertainlyGone(owner.pid, owner.pidStartTicks)) continue;
    beforeRemove(dir);
    rmSync(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}
