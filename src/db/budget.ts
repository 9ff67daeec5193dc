import type { Sql } from './connect.js';

export interface ConnectionBudget {
  maxConnections: number;
  /** Connections already open when the run started (other clients, other runs). */
  inUse: number;
  reserve: number;
  workers: number;
  /** Pool size each worker may open for its test schema. */
  perWorker: number;
}

/** Connections each worker keeps aside for schema DDL and leak checks. */
export const ADMIN_CONNECTIONS_PER_WORKER = 1;
const MAX_POOL = 4;

/**
 * Split what the server allows among the workers, so workers × (pool + admin) never exceeds
 * max_connections minus superuser slots, a reserve, and what others already hold.
 */
export async function connectionBudget(sql: Sql, workers: number, reserve = 5): Promise<ConnectionBudget> {
  const [row] = await sql<{ max: number; superuser: number; in_use: number }[]>`
    select current_setting('max_connections')::int as max,
           current_setting('superuser_reserved_connections')::int as superuser,
           (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as in_use`;
  const { max, superuser, in_use: inUse } = row!;
  const available = max - superuser - reserve - inUse;
  const perWorker = Math.min(MAX_POOL, Math.floor(available / workers) - ADMIN_CONNECTIONS_PER_WORKER);
  if (perWorker < 1) {
    throw new Error(
      `runtag: the server allows ${max} connections (${superuser} for superusers, ${inUse} in use, ${reserve} kept in reserve), ` +
        `too few for ${workers} workers with ${ADMIN_CONNECTIONS_PER_WORKER + 1} connections each. ` +
        'Run fewer workers (vitest --maxWorkers), close other clients, or raise max_connections.',
    );
  }
  return { maxConnections: max, inUse, reserve, workers, perWorker };
}
