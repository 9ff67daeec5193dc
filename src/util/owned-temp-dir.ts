import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostIdentity, isCertainlyGone } from '../registry/host-identity.js';

const OWNER_FILE = 'owner.json';

interface Owner {
  pid: number;
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
  const record: Owner = { pid: process.pid, hostIdentity: hostIdentity(), startedAt: new Date().toISOString() };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(record), { mode: 0o600 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(join(dir, OWNER_FILE), owner.uid, owner.gid);
  }
  return dir;
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
    if (owner.hostIdentity !== here || !isCertainlyGone(owner.pid)) continue;
    beforeRemove(dir);
    rmSync(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}
