import { quoteIdent, type Sql } from '../db/connect.js';
import { LeakVerifier } from '../leaks/verifier.js';
import { registeredRuns, type LivenessOptions, type RegisteredRun } from '../registry/liveness.js';
import { REGISTRY_SCHEMA } from '../registry/registry-schema.js';

/** What a registered run holds on the server right now. */
export interface RunHoldings {
  runId: string;
  host: string;
  pid: number;
  shard: string | null;
  isolation: RegisteredRun['isolation'];
  startedAt: string;
  alive: boolean;
  /** Why runtag judges it alive or dead (see liveness.ts). */
  reason: string;
  /** Its main process is gone from this machine while its orphaned workers still hold connections (see liveness.ts). */
  mainProcessGone: boolean;
  /** Connections leased in the registry, and backends of the run open now. */
  connections: { leased: number; open: number };
  /** Its schemas that exist (per file, and the pool's), with their rows. */
  schemas: { schema: string; label: string; pooled: boolean; rows: number }[];
  /** Rows carrying its tag in the shared schema (isolation "shared"), by table. */
  sharedRows: { table: string; rows: number }[];
  problem: string | null;
}

/** Every registered run with what it holds: schemas, rows, connections. */
export async function runHoldings(sql: Sql, options: LivenessOptions & { runId?: string } = {}): Promise<RunHoldings[]> {
  const runs = (await registeredRuns(sql, options)).filter((run) => !options.runId || run.runId === options.runId);
  const holdings: RunHoldings[] = [];
  for (const run of runs) {
    const scopes = await sql.unsafe<{ schema_name: string; label: string; pooled: boolean }[]>(
      `select s.schema_name, s.label, s.pool_state is not null as pooled from ${REGISTRY_SCHEMA}.scopes s
       where s.run_id = $1 and exists (select 1 from pg_namespace n where n.nspname = s.schema_name) order by s.scope_no`,
      [run.runId],
    );
    const schemas = [];
    for (const scope of scopes)
      schemas.push({ schema: scope.schema_name, label: scope.label, pooled: scope.pooled, rows: await rowsIn(sql, scope.schema_name) });
    const sharedRows =
      run.isolation === 'shared' && run.sharedSchema
        ? (await new LeakVerifier(sql, run.runKey).findRows(run.sharedSchema)).map((leak) => ({
            table: `${leak.schema}.${leak.table}`,
            rows: leak.count + leak.held,
          }))
        : [];
    holdings.push({
      runId: run.runId,
      host: run.host,
      pid: run.pid,
      shard: run.shard,
      isolation: run.isolation,
      startedAt: run.startedAt.toISOString(),
      alive: run.alive,
      reason: run.reason,
      mainProcessGone: run.mainProcessGone,
      connections: { leased: run.connections, open: run.openBackends },
      schemas,
      sharedRows,
      problem: run.problem,
    });
  }
  return holdings;
}

/** Exact row count of every table of `schema`, in one statement. */
async function rowsIn(sql: Sql, schema: string): Promise<number> {
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and not c.relispartition and c.relname <> '__drizzle_migrations'`;
  if (tables.length === 0) return 0;
  const counts = tables.map((t) => `(select count(*) from ${quoteIdent(schema)}.${quoteIdent(t.name)})`).join(' + ');
  const [row] = await sql.unsafe<{ n: number }[]>(`select (${counts})::int as n`);
  return row!.n;
}

export function formatRunHoldings(runs: readonly RunHoldings[]): string[] {
  if (runs.length === 0) return ['No registered runs (live or dead).'];
  return runs.flatMap((run) => {
    const rows = run.schemas.reduce((n, s) => n + s.rows, 0) + run.sharedRows.reduce((n, t) => n + t.rows, 0);
    const head =
      `${run.alive ? 'live' : 'DEAD'} ${run.runId} on ${run.host} (pid ${run.pid}${run.shard ? `, shard ${run.shard}` : ''}, ${run.isolation}, started ${run.startedAt}): ` +
      `${run.schemas.length} schema(s), ${rows} row(s), ${run.connections.open} connection(s) open of ${run.connections.leased} leased — ${run.reason}`;
    const detail = [
      ...run.schemas.map((s) => `    ${s.schema}  ${s.pooled ? '(pool, unclaimed)' : s.label}  ${s.rows} row(s)`),
      ...run.sharedRows.map((t) => `    ${t.table}  ${t.rows} tagged row(s)`),
      ...(run.problem ? [`    problem: ${run.problem}`] : []),
    ];
    return [`  ${head}`, ...detail];
  });
}
