import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCertainlyGone } from '../../util/host-identity.js';
import { createOwnedTempDir, reapOwnedTempDirs } from '../../util/owned-temp-dir.js';
import type { OsUser } from './os-user.js';

/** Every embedded server's directory: `<tmp>/runtag-pg-<label>/` with `owner.json`, `data/`, `server.log`. */
export const SERVER_DIR_PREFIX = 'runtag-pg-';

export interface ServerDir {
  dir: string;
  dataDir: string;
  logFile: string;
  passwordFile: string;
}

/** A private directory for one server: 0700, owned by the server's user, with its owner recorded. */
export function createServerDir(label: string, user: OsUser | undefined): ServerDir {
  const dir = createOwnedTempDir(`${SERVER_DIR_PREFIX}${label}`, user);
  return { dir, dataDir: join(dir, 'data'), logFile: join(dir, 'server.log'), passwordFile: join(dir, 'pwfile') };
}

/**
 * Stop the servers and remove the directories of runs that died so hard that their supervisor
 * died too: only directories whose recorded owner is provably gone from this machine.
 */
export function reapStaleServers(): string[] {
  return reapOwnedTempDirs(SERVER_DIR_PREFIX, (dir) => stopPostmaster(join(dir, 'data')));
}

/** postmaster.pid names the server's pid and data dir: stop it only if it is that data dir's server. */
function stopPostmaster(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || dirLine?.trim() !== dataDir) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(dataDir)) return; // the pid was reused by something else
    process.kill(pid, 'SIGQUIT');
  } catch {
    return;
  }
  const deadline = Date.now() + 5_000;
  while (!isCertainlyGone(pid) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}
