import { startLifeline } from '../../util/lifeline.js';
import type { OsUser } from './os-user.js';

/**
 * The process that owns the postmaster: a lifeline (util/lifeline.ts). It starts PostgreSQL, then
 * reads commands from its pipe to the runtag process; when that pipe closes, for whatever reason
 * (a clean stop, a crash, SIGKILL), it stops PostgreSQL and removes the server's directory. So the
 * server never outlives its run. It runs as the server's user, who owns everything it has to stop
 * and remove.
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
  const lifeline = startLifeline({
    script: SCRIPT,
    name: 'runtag-postgres',
    args: options.flags,
    env: {
      PG_BIN: options.postgres,
      PG_DATA: options.dataDir,
      PG_PORT: String(options.port),
      PG_LOG: options.logFile,
      PG_DIR: options.serverDir,
    },
    user: options.user,
  });
  return {
    restart: () => lifeline.send('restart'),
    stop: () => lifeline.release(),
    exited: lifeline.exited,
    pid: lifeline.pid,
  };
}
