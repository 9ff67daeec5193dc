import { withConnection } from '../db/connect.js';
import { budgetFor } from '../registry/connection-lease.js';
import { runApplicationName, type RunId } from '../run/run-id.js';

/**
 * Connections the server can give beyond what every live runtag run has leased (or holds, if more)
 * and what other clients hold, as the connection lease counts them: what extra connections of this
 * run (a race's) may take without eating into another run's lease. Asked on a short connection of its own.
 */
export async function freeConnections(url: string, runId: RunId): Promise<number> {
  const { free } = await withConnection(url, (sql) => budgetFor(sql, 1), { applicationName: runApplicationName(runId, 'race') });
  return Math.max(0, free);
}
