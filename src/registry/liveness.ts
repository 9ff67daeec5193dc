import type { Sql } from '../db/connect.js';
import type { RunId } from '../run/run-id.js';
import { hostIdentity, isCertainlyGone } from '../util/host-identity.js';
import { REGISTRY_SCHEMA, registryHas } from './registry-schema.js';

/** How often a live run renews its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/**
 * A heartbeat older than this (with no connection of the run open) means the run is gone. Long
 * enough to ride out a server restart or a network blip; a run whose pid is provably gone on this
 * machine is recognised at once.
 */
export const DEFAULT_STALE_AFTER_MS = 120_000;

export interface RegisteredRun {
  runId: RunId;
  runKey: string;
  host: string;
  pid: number;
  shard: string | null;
  isolation: 'schema' | 'shared' | 'transaction';
  sharedSchema: string | null;
  startedAt: Date;
  heartbeatAgeMs: number;
  connections: number;
  /** Backends open right now whose application_name names the run. */
  openBackends: number;
  finished: boolean;
  problem: string | null;
  alive: boolean;
  /** Why the run is judged alive or dead, for reports. */
  reason: string;
  /**
   * Its main process is provably gone from this machine (killed), though the run may still count as
   * live: its orphaned workers hold connections. Its results are lost; it is swept once they close.
   */
  mainProcessGone: boolean;
}

export interface LivenessOptions {
  staleAfterMs?: number;
}

/**
 * Every registered run with a verdict. Dead means provably gone: no backend of it is open, and
 * it finished, or its process is gone from this very machine, or (registered from another machine)
 * its heartbeat is stale.
 */
export async function registeredRuns(sql: Sql, options: LivenessOptions = {}): Promise<RegisteredRun[]> {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const here = hostIdentity();
  // A server no run has used yet has no registry, and so no runs.
  if (!(await registryHas(sql, 'runs'))) return [];
  const rows = await sql.unsafe<
    {
      run_id: string;
      run_key: string;
      host: string;
      host_identity: string;
      pid: number;
      shard: string | null;
      isolation: 'schema' | 'shared' | 'transaction';
      shared_schema: string | null;
      started_at: Date;
      heartbeat_age_ms: number;
      connections: number;
      open_backends: number;
      finished: boolean;
      problem: string | null;
    }[]
  >(`
    select r.run_id, r.run_key, r.host, r.host_identity, r.pid, r.shard, r.isolation, r.shared_schema, r.started_at,
           (extract(epoch from clock_timestamp() - r.heartbeat_at) * 1000)::float8 as heartbeat_age_ms,
           r.connections, r.finished_at is not null as finished, r.problem,
           (select count(*)::int from pg_stat_activity a
             where a.application_name = 'runtag:' || r.run_id or starts_with(a.application_name, 'runtag:' || r.run_id || ':')) as open_backends
    from ${REGISTRY_SCHEMA}.runs r order by r.started_at`);
  return rows.map((r) => {
    const base = {
      runId: r.run_id as RunId,
      runKey: r.run_key,
      host: r.host,
      pid: r.pid,
      shard: r.shard,
      isolation: r.isolation,
      sharedSchema: r.shared_schema,
      startedAt: r.started_at,
      heartbeatAgeMs: r.heartbeat_age_ms,
      connections: r.connections,
      openBackends: r.open_backends,
      finished: r.finished,
      problem: r.problem,
    };
    const mainProcessGone = !r.finished && r.host_identity === here && isCertainlyGone(r.pid);
    const verdict = judge(base, r.host_identity === here, staleAfterMs, mainProcessGone);
    return { ...base, ...verdict, mainProcessGone };
  });
}

function judge(
  run: Pick<RegisteredRun, 'pid' | 'heartbeatAgeMs' | 'openBackends' | 'finished'>,
  sameMachine: boolean,
  staleAfterMs: number,
  mainProcessGone: boolean,
): { alive: boolean; reason: string } {
  if (run.openBackends > 0 && mainProcessGone) {
    return {
      alive: true,
      reason:
        `its own process ${run.pid} is gone from this machine (killed), but ${run.openBackends} connection(s) of its orphaned workers are still open: ` +
        'it counts as live until they close (orphaned workers exit on their own, within about a minute), then the next run or `runtag sweep` removes what it left',
    };
  }
  if (run.openBackends > 0) return { alive: true, reason: `${run.openBackends} connection(s) open` };
  if (run.finished) return { alive: false, reason: 'finished, with leftovers it could not remove' };
  if (sameMachine) {
    // The pid can be checked: gone is proof; running (perhaps a reused pid) keeps the run, to be safe.
    if (mainProcessGone) return { alive: false, reason: `process ${run.pid} is gone from this machine` };
    return { alive: true, reason: `process ${run.pid} is still running on this machine` };
  }
  if (run.heartbeatAgeMs > staleAfterMs) {
    return { alive: false, reason: `no heartbeat for ${Math.round(run.heartbeatAgeMs / 1000)} s and no connection open` };
  }
  return { alive: true, reason: `heartbeat ${Math.round(run.heartbeatAgeMs / 1000)} s ago` };
}
