import type { Sql } from '../db/connect.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import type { RunId } from '../run/run-id.js';
import { REGISTRY_SCHEMA } from './registry-schema.js';

export interface ScopeRecord {
  scope: string;
  label: string;
  /** The role that owns the scope's schema (schema isolation); dropping what it owns removes the scope. */
  roleName: string | null;
  schemaName: string | null;
  /** Set for a schema the run's pool builds ahead of demand (see SchemaPool). */
  poolState?: 'building';
}

/** A scope was to be recorded for a run the registry no longer has as running (swept as dead, or ended). */
export class RunNotRegisteredError extends RuntagError {
  constructor(runId: RunId, label: string, state: 'gone' | 'ended') {
    super(
      'RUN_NOT_REGISTERED' satisfies CodeOf<'RunNotRegisteredError'>,
      `runtag: run ${runId} is ${state === 'gone' ? 'no longer in the run registry: a sweep (another run starting, or runtag sweep) judged it dead, its main process being gone, and removed what it had' : 'over: it has ended'}. ` +
        `This process (pid ${process.pid}) is left over from that run (an orphaned test worker of a killed run) and must not write into it, so "${label}" fails here without creating anything. ` +
        'Run the tests again; orphaned workers exit on their own once their run is gone.',
    );
  }
}

/**
 * Recorded before the scope creates anything, so whatever a crash leaves can be traced to the run
 * (and its file) and removed by the database's own record of ownership.
 */
export async function recordScope(sql: Sql, runId: RunId, record: ScopeRecord): Promise<number> {
  return sql.begin(async (tx) => {
    // Scope numbers are handed out in order within the run: workers of one run serialize here.
    await tx`select pg_advisory_xact_lock(hashtext(${`runtag:scopes:${runId}`}))`;
    // A run a sweep judged dead (or that ended) is gone from the registry: a process left over from it
    // (an orphaned worker of a killed run) must not write into it. Locked, so no sweep removes it meanwhile.
    const [run] = await tx.unsafe<{ finished: boolean }[]>(
      `select finished_at is not null as finished from ${REGISTRY_SCHEMA}.runs where run_id = $1 for key share`,
      [runId],
    );
    if (!run || run.finished) throw new RunNotRegisteredError(runId, record.label, run ? 'ended' : 'gone');
    const [row] = await tx.unsafe<{ scope_no: number }[]>(
      `insert into ${REGISTRY_SCHEMA}.scopes (run_id, scope, label, role_name, schema_name, pool_state, scope_no)
       values ($1, $2, $3, $4, $5, $6, (select coalesce(max(scope_no), 0) + 1 from ${REGISTRY_SCHEMA}.scopes where run_id = $1))
       on conflict (run_id, scope) do update set label = excluded.label, role_name = excluded.role_name, schema_name = excluded.schema_name
       returning scope_no`,
      [runId, record.scope, record.label, record.roleName, record.schemaName, record.poolState ?? null],
    );
    return row!.scope_no;
  });
}

export async function scopesOf(sql: Sql, runId: RunId): Promise<ScopeRecord[]> {
  const rows = await sql.unsafe<{ scope: string; label: string; role_name: string | null; schema_name: string | null }[]>(
    `select scope, label, role_name, schema_name from ${REGISTRY_SCHEMA}.scopes where run_id = $1 order by opened_at`,
    [runId],
  );
  return rows.map((r) => ({ scope: r.scope, label: r.label, roleName: r.role_name, schemaName: r.schema_name }));
}

/**
 * The run is over. Clean: its record goes. Not clean: it stays, marked finished, with the problem,
 * and releases its connections; the next sweep retries what it could not remove.
 */
export async function closeRunRecord(sql: Sql, runId: RunId, problem: string | undefined): Promise<void> {
  if (problem === undefined) {
    await sql.unsafe(`delete from ${REGISTRY_SCHEMA}.runs where run_id = $1`, [runId]);
  } else {
    await sql.unsafe(`update ${REGISTRY_SCHEMA}.runs set finished_at = now(), connections = 0, problem = $2 where run_id = $1`, [runId, problem]);
  }
}
