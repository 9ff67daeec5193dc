import { connect, type Sql } from '../db/connect.js';
import { runApplicationName, type RunId } from '../run/run-id.js';
import { HEARTBEAT_INTERVAL_MS } from './liveness.js';
import { REGISTRY_SCHEMA } from './registry-schema.js';

export interface Heartbeat {
  /** True once the registry no longer knows the run: someone swept it as dead while it ran. */
  readonly swept: boolean;
  stop(): Promise<void>;
}

/**
 * Keeps the run visibly alive: one connection named `runtag:<run>:alive` and a heartbeat in the
 * registry every few seconds. postgres.js reconnects on the next beat after a dropped connection
 * or a server restart, so a live run never stays invisible for longer than one interval.
 */
export function startHeartbeat(url: string, runId: RunId, intervalMs = HEARTBEAT_INTERVAL_MS): Heartbeat {
  const sql: Sql = connect(url, {
    max: 1,
    idleTimeout: 0,
    applicationName: runApplicationName(runId, 'alive'),
    // Server-side keepalives: a vanished machine's connection is dropped within about a minute.
    parameters: { tcp_keepalives_idle: '30', tcp_keepalives_interval: '10', tcp_keepalives_count: '3' },
  });
  let swept = false;
  let beating: Promise<void> = Promise.resolve();
  const beat = async () => {
    try {
      const rows = await sql.unsafe(`update ${REGISTRY_SCHEMA}.runs set heartbeat_at = now() where run_id = $1 returning 1`, [runId]);
      if (rows.length === 0) swept = true;
    } catch {
      // The connection dropped or the server restarts: the next beat reconnects.
    }
  };
  const timer = setInterval(() => {
    beating = beating.then(beat);
  }, intervalMs);
  timer.unref();
  beating = beat();
  return {
    get swept() {
      return swept;
    },
    async stop() {
      clearInterval(timer);
      await beating;
      await sql.end({ timeout: 5 });
    },
  };
}
