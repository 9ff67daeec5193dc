import type { Sql } from '../db/connect.js';
import { SCHEMA_PREFIX } from '../run/schema-names.js';
import { dropScopeRole } from '../ownership/scope-role.js';
import { describeKept, LeakVerifier } from '../leaks/verifier.js';
import { registeredRuns, type LivenessOptions, type RegisteredRun } from './liveness.js';
import { REGISTRY_SCHEMA, registryHas } from './registry-schema.js';
import { closeRunRecord, scopesOf } from './run-records.js';
import { RuntagError } from '../errors/runtag-error.js';

export interface SweepOptions extends LivenessOptions {
  /** Report only; change nothing. */
  dryRun: boolean;
  /** When another sweep holds the lock: wait for it (CLI) or skip (automatic sweep at run start). */
  ifLocked: 'fail' | 'skip';
  /** Called before each dead run is swept (the CLI shows progress on long sweeps). */
  onProgress?: (progress: { done: number; total: number; runId: string }) => void;
}

export interface SweptRun {
  runId: string;
  host: string;
  pid: number;
  startedAt: string;
  reason: string;
  scopes: number;
  rows: number;
  /** What could not be removed, and why; the run stays registered so the next sweep retries. */
  problems: string[];
}

export interface SweepReport {
  liveRuns: { runId: string; host: string; pid: number; reason: string }[];
  deadRuns: SweptRun[];
  /** `rt_` schemas that no registered run owns: reported, never touched. */
  unregisteredSchemas: string[];
  dryRun: boolean;
  skipped: boolean;
}

const SWEEP_LOCK = 'runtag:sweep';

/**
 * Remove what provably dead runs left: only runs in the registry, only when liveness says dead,
 * only objects their scope roles own (the database's own record) and rows that carry their tag.
 * Values that merely look like tags, schemas no run registered, and live runs are never touched.
 */
export async function sweepDeadRuns(sql: Sql, options: SweepOptions): Promise<SweepReport> {
  const empty: SweepReport = { liveRuns: [], deadRuns: [], unregisteredSchemas: [], dryRun: options.dryRun, skipped: true };
  if (!(await registryHas(sql, 'runs'))) return { ...empty, skipped: false, unregisteredSchemas: await unregisteredSchemas(sql) };
  const lock = await sql.reserve();
  try {
    const [{ locked }] = (await lock`select pg_try_advisory_lock(hashtext(${SWEEP_LOCK})) as locked`) as unknown as [{ locked: boolean }];
    if (!locked) {
      if (options.ifLocked === 'skip') return empty;
      throw new RuntagError('SWEEP_LOCKED', 'runtag: another sweep is running against this database (a CLI sweep or a run starting); try again when it ends.');
    }
    try {
      return await sweepUnderLock(sql, options);
    } finally {
      await lock`select pg_advisory_unlock(hashtext(${SWEEP_LOCK}))`;
    }
  } finally {
    lock.release();
  }
}

async function sweepUnderLock(sql: Sql, options: SweepOptions): Promise<SweepReport> {
  const runs = await registeredRuns(sql, options);
  const deadRuns: SweptRun[] = [];
  const dead = runs.filter((r) => !r.alive);
  for (const [index, run] of dead.entries()) {
    options.onProgress?.({ done: index, total: dead.length, runId: run.runId });
    deadRuns.push(await sweepRun(sql, run, options.dryRun));
  }
  return {
    liveRuns: runs.filter((r) => r.alive).map((r) => ({ runId: r.runId, host: r.host, pid: r.pid, reason: r.reason })),
    deadRuns,
    unregisteredSchemas: await unregisteredSchemas(sql),
    dryRun: options.dryRun,
    skipped: false,
  };
}

async function sweepRun(sql: Sql, run: RegisteredRun, dryRun: boolean): Promise<SweptRun> {
  const scopes = await scopesOf(sql, run.runId);
  const problems: string[] = [];
  let rows = 0;
  const verifier = new LeakVerifier(sql, run.runKey);
  if (run.isolation === 'shared' && run.sharedSchema) {
    try {
      if (dryRun) {
        rows = (await verifier.findRows(run.sharedSchema)).reduce((n, leak) => n + leak.count, 0);
      } else {
        const removal = await verifier.deleteRows(run.sharedSchema);
        rows = removal.deleted;
        if (removal.kept.length > 0) problems.push(`${removal.kept.length} row(s) in ${run.sharedSchema} kept: ${describeKept(removal.kept)}`);
      }
    } catch (error) {
      problems.push(`rows in ${run.sharedSchema}: ${(error as Error).message}`);
    }
  }
  if (!dryRun) {
    for (const scope of scopes) {
      if (!scope.roleName) continue;
      try {
        await dropScopeRole(sql, scope.roleName);
      } catch (error) {
        problems.push(`scope ${scope.label} (role ${scope.roleName}): ${(error as Error).message}`);
      }
    }
    await closeRunRecord(sql, run.runId, problems.length > 0 ? problems.join('; ') : undefined);
  }
  return {
    runId: run.runId,
    host: run.host,
    pid: run.pid,
    startedAt: run.startedAt.toISOString(),
    reason: run.reason,
    scopes: scopes.filter((s) => s.roleName).length,
    rows,
    problems,
  };
}

/** `rt_` schemas that no registered scope names: from before the registry, or not runtag's at all. */
export async function unregisteredSchemas(sql: Sql): Promise<string[]> {
  const registered = await registryHas(sql, 'scopes');
  const rows = await sql.unsafe<{ name: string }[]>(
    `select nspname as name from pg_namespace n where starts_with(nspname, $1)
     ${registered ? `and not exists (select 1 from ${REGISTRY_SCHEMA}.scopes s where s.schema_name = n.nspname)` : ''} order by 1`,
    [SCHEMA_PREFIX],
  );
  return rows.map((r) => r.name);
}

export function formatSweepReport(report: SweepReport): string {
  if (report.skipped) return 'runtag sweep: another sweep is running; skipped.';
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = [`runtag sweep: ${report.liveRuns.length} live run(s) left alone; ${report.deadRuns.length} dead run(s).`];
  for (const run of report.liveRuns) lines.push(`  - live run ${run.runId} on ${run.host} (pid ${run.pid}): ${run.reason}`);
  for (const run of report.deadRuns) {
    lines.push(
      `  - dead run ${run.runId} on ${run.host} (pid ${run.pid}, started ${run.startedAt}; ${run.reason}): ${verb} ${run.scopes} scope(s), ${run.rows} row(s)`,
    );
    for (const problem of run.problems) lines.push(`      could not remove: ${problem}`);
  }
  if (report.unregisteredSchemas.length > 0) {
    lines.push(
      `  ${report.unregisteredSchemas.length} schema(s) named rt_* are not in the registry, so runtag cannot prove they are its own and leaves them: ` +
        `${report.unregisteredSchemas.slice(0, 10).join(', ')}${report.unregisteredSchemas.length > 10 ? ', …' : ''}. Drop them by hand if you know they are leftovers.`,
    );
  }
  if (report.dryRun && report.deadRuns.length > 0) lines.push('Dry run: nothing was changed. Run again without --dry-run to remove them.');
  return lines.join('\n');
}
