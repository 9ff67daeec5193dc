import type { Sql } from '../db/connect.js';
import type { RunSummary } from '../lifecycle/run-lifecycle.js';
import { REGISTRY_SCHEMA } from './registry-schema.js';

/** Finished runs' summaries are kept this long, for `runtag runs` (e.g. merging the shards of one CI pipeline). */
const HISTORY_DAYS = 7;

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
    shards: runs.map((r) => r.shard).filter((s): s is string => s !== null).sort(),
    files: runs.reduce((n, r) => n + r.summary.files, 0),
    schemasCreated: runs.reduce((n, r) => n + r.summary.schemasCreated, 0),
    rowsCreated: runs.reduce((n, r) => n + r.summary.rowsCreated, 0),
    rowsCleaned: runs.reduce((n, r) => n + r.summary.rowsCleaned, 0),
    leaks: runs.flatMap((r) => r.summary.leaks.map((leak) => ({ ...leak, runId: r.runId }))),
    problems: runs.flatMap((r) => r.summary.problems.map((p) => `${r.runId}: ${p}`)),
    wallMs: Math.max(0, ...runs.map((r) => r.summary.wallMs)),
  };
}
