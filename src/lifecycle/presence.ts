import { connect, type Sql } from '../db/connect.js';
import { runApplicationName, type RunId } from '../run/run-id.js';

/**
 * One connection held for the whole run: the database itself then knows the run is alive.
 * If the run's process dies its socket closes at once; if its machine vanishes, the server-side
 * keepalives below drop the connection within about a minute. `runtag sweep` only touches runs
 * that have no connection left.
 */
export async function announcePresence(url: string, runId: RunId): Promise<{ end(): Promise<void> }> {
  const sql: Sql = connect(url, { max: 1, applicationName: runApplicationName(runId, 'alive'), idleTimeout: 0 });
  await sql`select set_config('tcp_keepalives_idle', '30', false), set_config('tcp_keepalives_interval', '10', false),
                   set_config('tcp_keepalives_count', '3', false)`;
  return { end: () => sql.end({ timeout: 5 }) };
}
