import type { Sql } from '../db/connect.js';
import { REGISTRY_SCHEMA } from './registry-schema.js';

/** Finished runs' summaries are kept this long, for `runtag runs` (e.g. merging the shards of one CI pipeline). */
const HISTORY_DAYS = 7;

/** What a run did, as its main process sums it up at the end (see run-lifecycle.ts): printed, written to RUNTAG_SUMMARY_FILE and kept here. */
export interface RunSummary {
  runId: string;
  /** What the run's tags started with. */
  runKey: string;
  isolation: string;
  /** Workers allowed, and the distinct processes that ran scopes (Vitest forks one per file). */
  workers: number;
  workerProcesses: number;
  /** Most scopes open at the same moment. */
  peakConcurrency: number;
  files: number;
  schemasCreated: number;
  /** Of the files' schemas, how many were claimed ready from the run's schema pool. */
  schemasFromPool: number;
  schemasDropped: number;
  rowsCreated: number;
  rowsCleaned: number;
  /** Leaks found after each file and at the end of the run; empty when clean. */
  leaks: { kind: 'rows' | 'schema'; where: string; count: number; file: string | undefined }[];
  /** What the run could not remove at its end (kept, registered, retried by the next sweep). */
  problems: string[];
  /**
   * Files that failed outside their tests: their scope never got its schema (setup failed), or the
   * runner reported errors of the file itself (setup, teardown, import). A run with any is never clean.
   */
  setupFailures: string[];
  /** Extensions runtag installed for this run and took back because the run failed (see dropExtensionsOfRun). */
  extensionsDropped: string[];
  /** Tests over the time budget, slowest first (at most 10): reported, never failed. */
  testTimeBudgetMs: number;
  slowTests: { file: string; test: string; ms: number }[];
  wallMs: number;
  /** Shared isolation without the run's shared role (the DATABASE_URL user may not create roles): that user. */
  testsRanAs?: string;
}

export interface FinishedRun {
  runId: string;
  host: string;
  shard: string | null;
  group: string | null;
  finishedAt: Date;
  summary: RunSummary;
}

/** Record a finished run's summary (and forget summaries older than a week); `ciGroup` is what `runtag runs --group` finds it by. */
export async function recordFinishedRun(
  sql: Sql,
  summary: RunSummary,
  run: { host: string; shard: string | undefined; ciGroup: string | undefined; startedAt: Date },
): Promise<void> {
  await sql.unsafe(
    `insert into ${REGISTRY_SCHEMA}.run_history (run_id, host, shard, ci_group, started_at, summary) values ($1, $2, $3, $4, $5, $6)
     on conflict (run_id) do update set summary = excluded.summary, finished_at = now()`,
    [summary.runId, run.host, run.shard ?? null, run.ciGroup ?? null, run.startedAt, summary as never],
  );
  await sql.unsafe(`delete from ${REGISTRY_SCHEMA}.run_history where finished_at < now() - make_interval(days => $1)`, [HISTORY_DAYS]);
}

export async function finishedRuns(sql: Sql, options: { group?: string } = {}): Promise<FinishedRun[]> {
  const rows = await sql.unsafe<{ run_id: string; host: string; shard: string | null; ci_group: string | null; finished_at: Date; summary: RunSummary }[]>(
    `select run_id, host, shard, ci_group, finished_at, summary from ${REGISTRY_SCHEMA}.run_history
     where $1::text is null or ci_group = $1 order by finished_at`,
    [options.group ?? null],
  );
  return rows.map((r) => ({ runId: r.run_id, host: r.host, shard: r.shard, group: r.ci_group, finishedAt: r.finished_at, summary: r.summary }));
}

export interface MergedSummary {
  runs: number;
  shards: string[];
  files: number;
  schemasCreated: number;
  rowsCreated: number;
  rowsCleaned: number;
  leaks: (RunSummary['leaks'][number] & { runId: string })[];
  problems: string[];
  /** The longest shard: the pipeline waited for it. */
  wallMs: number;
}

/** One summary for several runs, e.g. the shards of one CI pipeline. */
export function mergeSummaries(runs: readonly FinishedRun[]): MergedSummary {
  return {
    runs: runs.length,
    shards: runs
      .map((r) => r.shard)
      .filter((s): s is string => s !== null)
      .sort(),
    files: runs.reduce((n, r) => n + r.summary.files, 0),
    schemasCreated: runs.reduce((n, r) => n + r.summary.schemasCreated, 0),
    rowsCreated: runs.reduce((n, r) => n + r.summary.rowsCreated, 0),
    rowsCleaned: runs.reduce((n, r) => n + r.summary.rowsCleaned, 0),
    leaks: runs.flatMap((r) => r.summary.leaks.map((leak) => ({ ...leak, runId: r.runId }))),
    problems: runs.flatMap((r) => r.summary.problems.map((p) => `${r.runId}: ${p}`)),
    wallMs: Math.max(0, ...runs.map((r) => r.summary.wallMs)),
  };
}
