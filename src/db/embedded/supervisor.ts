import { spawn, type ChildProcess } from 'node:child_process';
import type { OsUser } from './os-user.js';

/**
 * The process that owns the postmaster. It starts PostgreSQL, then reads commands from a pipe to
 * the runtag process; when that pipe closes, for whatever reason (a clean stop, a crash, SIGKILL),
 * it stops PostgreSQL and removes the server's directory. So the server never outlives its run.
 * It runs detached (own process group, so a terminal's Ctrl-C reaches the run first) and as the
 * server's user, who owns everything it has to stop and remove.
 */
const SCRIPT = `
start() { "$PG_BIN" -D "$PG_DATA" -p "$PG_PORT" "$@" >>"$PG_LOG" 2>&1 & pg=$!; }
start "$@"
while IFS= read -r command; do
  case "$command" in
    restart) kill -INT "$pg" 2>/dev/null; wait "$pg"; start "$@" ;;
  esac
done
kill -INT "$pg" 2>/dev/null
wait "$pg"
rm -rf "$PG_DIR"
`;

export interface SupervisorOptions {
  postgres: string;
  serverDir: string;
  dataDir: string;
  logFile: string;
  port: number;
  flags: string[];
  user: OsUser | undefined;
}

export interface Supervisor {
  /** Restart PostgreSQL on the same port and data (for tests of runs that survive a restart). */
  restart(): void;
  /** Stop PostgreSQL, remove its directory, and wait until both are done. */
  stop(): Promise<void>;
  readonly exited: Promise<void>;
  readonly pid: number | undefined;
}

export function startSupervisor(options: SupervisorOptions): Supervisor {
  const child: ChildProcess = spawn('/bin/sh', ['-c', SCRIPT, 'runtag-postgres', ...options.flags], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LC_MESSAGES: 'C',
      PG_BIN: options.postgres,
      PG_DATA: options.dataDir,
      PG_PORT: String(options.port),
      PG_LOG: options.logFile,
      PG_DIR: options.serverDir,
    },
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  // The pipe must not keep the run's event loop alive, nor its errors crash the run.
  child.unref();
  child.stdin!.on('error', () => {});
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => {});
  return {
    restart: () => void child.stdin!.write('restart\n'),
    stop: async () => {
      child.ref(); // now the run waits for the server to be gone
      child.stdin!.end();
      await exited;
    },
    exited,
    pid: child.pid,
  };
}
