import type { Sql } from '../db/connect.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import type { RunId } from '../run/run-id.js';
import { registeredRuns, type RegisteredRun } from './liveness.js';
import { REGISTRY_SCHEMA } from './registry-schema.js';

/**
 * Connections one worker holds besides its test pool: the scope's admin connection, and while its
 * schema is migrated, the scope role's own login.
 */
export const ADMIN_CONNECTIONS_PER_WORKER = 2;
/**
 * Isolation "transaction": the scope's sandbox holds a server connection of its own (the running
 * test's transaction) beside the scope's pool; its clients (runtag's db, the app's pool) connect to
 * the sandbox, not the server. A second test running at once in one file opens one more, not counted.
 */
export const SANDBOX_CONNECTIONS_PER_WORKER = 1;
/**
 * Connections the run's main process holds: the heartbeat, one for setup and the final check, and
 * the schema pool's two (its admin connection, and the pooled schema's role while it migrates).
 */
export const RUN_CONNECTIONS = 4;
const MAX_POOL = 4;
const DEFAULT_RESERVE = 5;

export interface ConnectionBudget {
  maxConnections: number;
  superuserReserved: number;
  /** Connections of clients that are not runtag runs. */
  others: number;
  /** Connections of other live runs: each one's lease, or the backends it holds where that is more (a race's extra connections). */
  leasedByRuns: number;
  reserve: number;
  /** What is left for this run: max_connections less superuser slots, the reserve, other clients and other live runs. */
  free: number;
  workers: number;
  /** Pool size each worker may open for its test schema. */
  perWorker: number;
  /** What this run leased in the registry: workers × (pool + admin) + the main process's. */
  leased: number;
}

export interface RunRegistration {
  runId: RunId;
  /** What the run's tags start with; must not be registered by another run. */
  runKey: string;
  host: string;
  hostIdentity: string;
  pid: number;
  shard: string | undefined;
  isolation: 'schema' | 'shared' | 'transaction';
  sharedSchema: string | undefined;
  workers: number;
  reserve?: number;
  /** How long to wait for other runs to free connections before failing. */
  waitMs: number;
}

export class ConnectionBudgetError extends RuntagError {
  constructor(code: CodeOf<'ConnectionBudgetError'>, message: string) {
    super(code, message);
  }
}

/**
 * Register the run and lease its connections in one step, serialized across runs by an advisory
 * lock, so two runs starting together cannot both take what is free. A run that does not fit waits
 * (bounded) for others to finish, then fails before any test with the runs that hold the server.
 */
export async function registerRunWithLease(sql: Sql, run: RunRegistration): Promise<ConnectionBudget> {
  if (!Number.isInteger(run.workers) || run.workers < 1) {
    throw new ConnectionBudgetError(
      'INVALID_WORKER_COUNT',
      `runtag: the worker count to budget connections for must be a whole number ≥ 1, got ${String(run.workers)}. Set maxWorkers in the Vitest config (or workers in Playwright's).`,
    );
  }
  const deadline = Date.now() + run.waitMs;
  for (;;) {
    const outcome = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('runtag:budget'))`;
      const budget = await computeBudget(tx as unknown as Sql, run);
      if (budget.perWorker >= 1) {
        await tx.unsafe(
          `insert into ${REGISTRY_SCHEMA}.runs (run_id, run_key, host, host_identity, pid, shard, isolation, shared_schema, connections)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [run.runId, run.runKey, run.host, run.hostIdentity, run.pid, run.shard ?? null, run.isolation, run.sharedSchema ?? null, budget.leased],
        );
      }
      return budget;
    });
    if (outcome.perWorker >= 1) return outcome;
    // What the run would have if every other runtag run were gone: if even that is too little, waiting cannot help.
    const alone = outcome.maxConnections - outcome.superuserReserved - outcome.reserve - outcome.others;
    if (alone < minimumFor(run.workers, run.isolation)) throw await budgetError(sql, run, outcome, { neverFits: alone });
    if (Date.now() >= deadline) throw await budgetError(sql, run, outcome, { waitedMs: run.waitMs });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * What a run with `workers` workers would lease if it started now (for `runtag doctor`); registers
 * nothing. Every live run counts as another's, so `free` is also what extra connections of a run
 * (a race's) may take without eating into any run's lease.
 */
export async function budgetFor(sql: Sql, workers: number): Promise<ConnectionBudget & { minimum: number }> {
  const { liveRuns: _, ...budget } = await computeBudget(sql, {
    runId: '' as RunId,
    runKey: '',
    host: '',
    hostIdentity: '',
    pid: 0,
    shard: undefined,
    isolation: 'schema',
    sharedSchema: undefined,
    workers,
    waitMs: 0,
  });
  return { ...budget, minimum: minimumFor(workers) };
}

function minimumFor(workers: number, isolation: RunRegistration['isolation'] = 'schema'): number {
  return workers * (1 + overheadPerWorker(isolation)) + RUN_CONNECTIONS;
}

/** A worker's connections besides its pool. */
function overheadPerWorker(isolation: RunRegistration['isolation']): number {
  return ADMIN_CONNECTIONS_PER_WORKER + (isolation === 'transaction' ? SANDBOX_CONNECTIONS_PER_WORKER : 0);
}

async function computeBudget(sql: Sql, run: RunRegistration): Promise<ConnectionBudget & { liveRuns: RegisteredRun[] }> {
  const reserve = run.reserve ?? DEFAULT_RESERVE;
  const liveRuns = (await registeredRuns(sql)).filter((r) => r.alive && r.runId !== run.runId);
  const [settings] = await sql<{ max: number; superuser: number }[]>`
    select current_setting('max_connections')::int as max, current_setting('superuser_reserved_connections')::int as superuser`;
  // Backends of live registered runs are covered by their leases; everything else counts as it is.
  const liveIds = liveRuns.map((r) => r.runId as string);
  const [{ others }] = (await sql`
    select count(*)::int as others from pg_stat_activity
    where backend_type = 'client backend' and pid <> pg_backend_pid()
      and coalesce(substring(application_name from '^runtag:([0-9a-z-]+)'), '') <> ${run.runId}
      and not coalesce(substring(application_name from '^runtag:([0-9a-z-]+)') = any(${liveIds}::text[]), false)`) as unknown as [{ others: number }];
  const leasedByRuns = liveRuns.reduce((n, r) => n + Math.max(r.connections, r.openBackends), 0);
  const { max, superuser } = settings!;
  const free = max - superuser - reserve - others - leasedByRuns;
  const available = free - RUN_CONNECTIONS;
  const overhead = overheadPerWorker(run.isolation);
  const perWorker = Math.min(MAX_POOL, Math.floor(available / run.workers) - overhead);
  const leased = run.workers * (Math.max(perWorker, 0) + overhead) + RUN_CONNECTIONS;
  return { maxConnections: max, superuserReserved: superuser, others, leasedByRuns, reserve, free, workers: run.workers, perWorker, leased, liveRuns };
}

async function budgetError(
  sql: Sql,
  run: RunRegistration,
  budget: ConnectionBudget,
  why: { neverFits: number } | { waitedMs: number },
): Promise<ConnectionBudgetError> {
  const holders = (await registeredRuns(sql)).filter((r) => r.alive && r.runId !== run.runId);
  const needed = minimumFor(run.workers, run.isolation);
  const overhead = overheadPerWorker(run.isolation);
  const head =
    `runtag: the server allows ${budget.maxConnections} connections (${budget.superuserReserved} for superusers, ${budget.reserve} kept in reserve, ` +
    `${budget.others} held by other clients, ${budget.leasedByRuns} leased by ${holders.length} other live runtag run(s)), ` +
    `too few for ${run.workers} worker(s) needing ${1 + overhead} connections each plus ${RUN_CONNECTIONS} for the run (${needed} in all)`;
  const verdict =
    'neverFits' in why
      ? `. It could never fit, even with no other runtag run on the server: only ${Math.max(why.neverFits, 0)} are left after the superusers', ` +
        "the reserve and other clients' connections, so runtag did not wait."
      : `, and other runs freed too few within the ${Math.round(why.waitedMs / 1000)} s runtag waited.`;
  const list = holders.map((r) => `  - run ${r.runId} on ${r.host} (pid ${r.pid}, started ${r.startedAt.toISOString()}): ${r.connections} connection(s)`);
  const advice =
    'neverFits' in why
      ? `Run fewer workers (vitest --maxWorkers, playwright --workers; at most ${Math.max(Math.floor((why.neverFits - RUN_CONNECTIONS) / (1 + overhead)), 0)} fit here), or raise max_connections.`
      : 'Run fewer workers (vitest --maxWorkers, playwright --workers), wait for the other runs, set RUNTAG_BUDGET_WAIT_SECONDS to wait longer, or raise max_connections.';
  return new ConnectionBudgetError(
    'CONNECTION_BUDGET',
    [`${head}${verdict}`, ...(list.length > 0 ? ['Other runs holding connections:', ...list] : []), advice].join('\n'),
  );
}
