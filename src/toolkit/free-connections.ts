import { withConnection } from '../db/connect.js';
import { registeredRuns } from '../registry/liveness.js';
import { runApplicationName, type RunId } from '../run/run-id.js';

/** Connections left for other clients, as the connection lease keeps them (see connection-lease.ts). */
const RESERVE = 5;

/**
 * Connections the server can give beyond what every live runtag run has leased (or holds, if more)
 * and what other clients hold: what extra connections of this run (a race's) may take without
 * eating into another run's lease. Asked on a short connection of its own, with the run's credentials.
 */
export async function freeConnections(url: string, runId: RunId): Promise<number> {
  return withConnection(
    url,
    async (sql) => {
      const runs = (await registeredRuns(sql)).filter((run) => run.alive);
      const prefixes = runs.map((run) => runApplicationName(run.runId));
      const [row] = await sql<{ max: number; superuser: number; others: number }[]>`
        select current_setting('max_connections')::int as max,
               current_setting('superuser_reserved_connections')::int as superuser,
               (select count(*)::int from pg_stat_activity a
                 where a.backend_type = 'client backend' and a.pid <> pg_backend_pid()
                   and not exists (select 1 from unnest(${prefixes}::text[]) p
                                   where a.application_name = p or starts_with(a.application_name, p || ':'))) as others`;
      const held = runs.reduce((n, run) => n + Math.max(run.connections, run.openBackends), 0);
      return Math.max(0, row!.max - row!.superuser - RESERVE - row!.others - held);
    },
    { applicationName: runApplicationName(runId, 'race') },
  );
}
