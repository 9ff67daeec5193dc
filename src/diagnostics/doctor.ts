import type { Sql } from '../db/connect.js';
import { listTemplates } from '../isolation/schema-template.js';
import { ADMIN_CONNECTIONS_PER_WORKER, budgetFor } from '../registry/connection-lease.js';
import { REGISTRY_SCHEMA, registryHas } from '../registry/registry-schema.js';
import { unregisteredSchemas } from '../registry/sweep.js';
import { runHoldings, type RunHoldings } from './run-holdings.js';

/** A lock wait longer than this is reported as a problem (a test blocked by another, or by a forgotten transaction). */
const LONG_LOCK_WAIT_S = 5;

export interface BlockingLock {
  blockedPid: number;
  blockedApplication: string;
  blockedQuery: string;
  waitingSeconds: number;
  lockType: string;
  mode: string;
  relation: string | null;
  blockingPid: number;
  blockingApplication: string;
  blockingQuery: string;
  blockingState: string;
}

export interface DoctorReport {
  server: { version: string; maxConnections: number; superuserReserved: number; inUse: number };
  budget: { workers: number; perWorker: number; needed: number; available: number; fits: boolean; leasedByRuns: number; others: number; reserve: number };
  registry: boolean;
  runs: { live: RunHoldings[]; dead: RunHoldings[] };
  /** `rt_` schemas no registered run owns: reported, never touched. */
  unregisteredSchemas: string[];
  templates: Awaited<ReturnType<typeof listTemplates>>;
  /** Ready and building schemas of live runs' pools. */
  pool: { ready: number; building: number };
  blockingLocks: BlockingLock[];
  problems: string[];
  verdict: string;
}

/** Everything `runtag doctor` looks at, read-only: nothing is changed on the server. */
export async function diagnose(sql: Sql, options: { workers: number }): Promise<DoctorReport> {
  const [server] = await sql<{ version: string; max: number; superuser: number; in_use: number }[]>`
    select current_setting('server_version') as version, current_setting('max_connections')::int as max,
           current_setting('superuser_reserved_connections')::int as superuser,
           (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as in_use`;
  const registry = await registryHas(sql, 'runs');
  const budget = await budgetFor(sql, options.workers);
  const holdings = registry ? await runHoldings(sql) : [];
  const unregistered = await unregisteredSchemas(sql);
  const templates = (await registryHas(sql, 'templates')) ? await listTemplates(sql) : [];
  const pool = registry ? await poolState(sql) : { ready: 0, building: 0 };
  const blockingLocks = await findBlockingLocks(sql);

  const problems: string[] = [];
  if (budget.perWorker < 1) {
    problems.push(
      `${options.workers} worker(s) need ${budget.minimum} connections (${1 + ADMIN_CONNECTIONS_PER_WORKER} each plus the run's), only ${budget.free} are free: ` +
        'run fewer workers, wait for other runs, or raise max_connections',
    );
  }
  // Live only by its orphaned workers' connections: nobody will report its results, and it goes once they close.
  for (const run of holdings.filter((r) => r.alive && r.mainProcessGone)) {
    problems.push(
      `run ${run.runId}'s own process (pid ${run.pid}) is gone from this machine (killed), but ${run.connections.open} connection(s) of its orphaned workers are still open: ` +
        'its results are lost; it counts as live (nothing of it is swept) until they close, within about a minute as orphaned workers exit, and then any new run or `runtag sweep` removes what it left',
    );
  }
  const dead = holdings.filter((r) => !r.alive);
  if (dead.length > 0) problems.push(`${dead.length} dead run(s) left schemas or rows: run \`runtag sweep\` (any new run also sweeps them at its start)`);
  if (unregistered.length > 0) {
    problems.push(
      `${unregistered.length} rt_ schema(s) no registered run owns (${unregistered.slice(0, 3).join(', ')}…): runtag will not touch them; inspect and drop them yourself`,
    );
  }
  const longWaits = blockingLocks.filter((l) => l.waitingSeconds >= LONG_LOCK_WAIT_S);
  if (longWaits.length > 0) {
    problems.push(`${longWaits.length} session(s) waiting ≥ ${LONG_LOCK_WAIT_S} s on a lock held by another (see blocking locks)`);
  }
  const verdict =
    problems.length === 0
      ? `OK: room for ${options.workers} worker(s) with ${budget.perWorker} pool connection(s) each; ${holdings.filter((r) => r.alive).length} live run(s); no orphans; ` +
        `${templates.length} template(s); no lock waits.`
      : `PROBLEM: ${problems.join('; ')}.`;
  return {
    server: { version: server!.version, maxConnections: server!.max, superuserReserved: server!.superuser, inUse: server!.in_use },
    budget: {
      workers: options.workers,
      perWorker: Math.max(0, budget.perWorker),
      needed: budget.minimum,
      available: budget.free,
      fits: budget.perWorker >= 1,
      leasedByRuns: budget.leasedByRuns,
      others: budget.others,
      reserve: budget.reserve,
    },
    registry,
    runs: { live: holdings.filter((r) => r.alive), dead },
    unregisteredSchemas: unregistered,
    templates,
    pool,
    blockingLocks,
    problems,
    verdict,
  };
}

async function poolState(sql: Sql): Promise<{ ready: number; building: number }> {
  const [row] = await sql.unsafe<{ ready: number; building: number }[]>(
    `select count(*) filter (where pool_state = 'ready')::int as ready, count(*) filter (where pool_state = 'building')::int as building
     from ${REGISTRY_SCHEMA}.scopes`,
  );
  return row ?? { ready: 0, building: 0 };
}

/** Sessions waiting on a lock, each with the session that holds it (pg_blocking_pids) and the lock they wait for. */
export async function findBlockingLocks(sql: Sql): Promise<BlockingLock[]> {
  const rows = await sql<
    {
      blocked_pid: number;
      blocked_app: string;
      blocked_query: string;
      waiting_s: number;
      locktype: string | null;
      mode: string | null;
      relation: string | null;
      blocking_pid: number;
      blocking_app: string;
      blocking_query: string;
      blocking_state: string;
    }[]
  >`
    select blocked.pid as blocked_pid, blocked.application_name as blocked_app, left(blocked.query, 200) as blocked_query,
           extract(epoch from clock_timestamp() - coalesce(blocked.state_change, blocked.query_start))::float8 as waiting_s,
           waiting.locktype, waiting.mode, waiting.relation::regclass::text as relation,
           blocking.pid as blocking_pid, blocking.application_name as blocking_app, left(blocking.query, 200) as blocking_query,
           blocking.state as blocking_state
    from pg_stat_activity blocked
    cross join lateral unnest(pg_blocking_pids(blocked.pid)) as holder(pid)
    join pg_stat_activity blocking on blocking.pid = holder.pid
    left join lateral (select l.locktype, l.mode, l.relation from pg_locks l where l.pid = blocked.pid and not l.granted limit 1) waiting on true
    order by waiting_s desc`;
  return rows.map((r) => ({
    blockedPid: r.blocked_pid,
    blockedApplication: r.blocked_app,
    blockedQuery: r.blocked_query,
    waitingSeconds: Math.round(r.waiting_s * 10) / 10,
    lockType: r.locktype ?? 'unknown',
    mode: r.mode ?? 'unknown',
    relation: r.relation,
    blockingPid: r.blocking_pid,
    blockingApplication: r.blocking_app,
    blockingQuery: r.blocking_query,
    blockingState: r.blocking_state,
  }));
}

export function formatDoctorReport(report: DoctorReport): string {
  const { server, budget } = report;
  const lines = [
    `server       PostgreSQL ${server.version}; max_connections ${server.maxConnections} (${server.superuserReserved} for superusers), ${server.inUse} in use`,
    `budget       ${budget.workers} worker(s) need ${budget.needed}; ${budget.available} free (${budget.others} held by other clients, ${budget.leasedByRuns} leased by live runs, ${budget.reserve} reserve) → ` +
      (budget.fits ? `${budget.perWorker} pool connection(s) per worker` : 'does not fit'),
    `registry     ${report.registry ? 'present' : 'none yet (created by the first run)'}`,
    `runs         ${report.runs.live.length} live, ${report.runs.dead.length} dead`,
    ...report.runs.live.filter((r) => r.mainProcessGone).map((r) => `               orphaned ${r.runId} on ${r.host}: ${r.reason}`),
    ...report.runs.dead.map((r) => `               dead ${r.runId} on ${r.host}: ${r.schemas.length} schema(s) — ${r.reason}`),
    `orphans      ${report.unregisteredSchemas.length === 0 ? 'none' : report.unregisteredSchemas.join(', ')}`,
    `templates    ${report.templates.length === 0 ? 'none' : report.templates.map((t) => `${t.schema} (${t.migrationsFolder}${t.seeded ? ', seeded' : ''}, last used ${t.lastUsedAt.toISOString()})`).join('; ')}`,
    `schema pool  ${report.pool.ready} ready, ${report.pool.building} building (live runs)`,
    `locks        ${report.blockingLocks.length === 0 ? 'no session waits on a lock' : `${report.blockingLocks.length} waiting`}`,
    ...report.blockingLocks.map(
      (l) =>
        `               pid ${l.blockedPid} (${l.blockedApplication || 'no name'}) waits ${l.waitingSeconds} s for ${l.mode} on ${l.relation ?? l.lockType}, ` +
        `held by pid ${l.blockingPid} (${l.blockingApplication || 'no name'}, ${l.blockingState}): ${l.blockingQuery.replace(/\s+/g, ' ')}`,
    ),
    `verdict      ${report.verdict}`,
  ];
  return lines.join('\n');
}
