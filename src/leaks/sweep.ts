import { quoteIdent, type Sql } from '../db/connect.js';
import { SCHEMA_PREFIX } from '../isolation/schema-names.js';
import { isRunId, runStartedAt, type RunId } from '../run/run-id.js';
import { readCatalog } from './catalog.js';
import { LeakVerifier } from './verifier.js';

export interface SweepOptions {
  /** Schemas where runs write tagged rows (`shared` isolation), e.g. ["public"]. */
  sharedSchemas: string[];
  /** Report only; change nothing. */
  dryRun: boolean;
  /** Runs younger than this are left alone even without a connection (they may be starting). */
  graceMs: number;
  now?: Date;
}

export interface DeadRun {
  runId: RunId;
  startedAt: string;
  schemas: string[];
  rows: number;
}

export interface SweepReport {
  liveRuns: RunId[];
  deadRuns: DeadRun[];
  dryRun: boolean;
}

const RUN_ID_IN_VALUE = '^([0-9a-z]{8}-[0-9a-z]{1,4}-[0-9a-z]{4}-[0-9a-z]{8})-';
const SWEEP_LOCK = 'runtag:sweep';

/**
 * Remove what runs that provably died left behind: their `rt_<run>_*` schemas and their tagged
 * rows in the shared schemas. A run is alive while any connection of it (application_name
 * `runtag:<run>…`; every run holds one for its whole length) is open, and young runs get a grace
 * period; live and young runs are never touched, nor is anything that is not runtag's.
 */
export async function sweepDeadRuns(sql: Sql, options: SweepOptions): Promise<SweepReport> {
  const lock = await sql.reserve();
  try {
    const [{ locked }] = (await lock`select pg_try_advisory_lock(hashtext(${SWEEP_LOCK})) as locked`) as unknown as [{ locked: boolean }];
    if (!locked) throw new Error('runtag: another `runtag sweep` is running against this database; try again when it ends.');
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
  const live = new Set(
    (
      await sql<{ run: string }[]>`
        select distinct substring(application_name from '^runtag:([0-9a-z-]+)') as run
        from pg_stat_activity where application_name like 'runtag:%'`
    ).map((r) => r.run),
  );
  const candidates = new Map<RunId, string[]>();
  const schemas = await sql<{ name: string }[]>`select nspname as name from pg_namespace where starts_with(nspname, ${SCHEMA_PREFIX})`;
  for (const { name } of schemas) {
    const runId = name.slice(SCHEMA_PREFIX.length).split('_').slice(0, 4).join('-');
    if (isRunId(runId)) candidates.set(runId, [...(candidates.get(runId) ?? []), name]);
  }
  for (const schema of options.sharedSchemas) {
    for (const runId of await runsTaggedIn(sql, schema)) if (!candidates.has(runId)) candidates.set(runId, []);
  }

  const cutoff = (options.now ?? new Date()).getTime() - options.graceMs;
  const deadRuns: DeadRun[] = [];
  for (const [runId, runSchemas] of candidates) {
    if (live.has(runId) || runStartedAt(runId).getTime() > cutoff) continue;
    const verifier = new LeakVerifier(sql, runId);
    let rows = 0;
    for (const schema of options.sharedSchemas) {
      rows += options.dryRun
        ? (await verifier.findRows(schema)).reduce((n, leak) => n + leak.count, 0)
        : await verifier.deleteRows(schema);
    }
    if (!options.dryRun) await verifier.dropSchemas(runSchemas);
    deadRuns.push({ runId, startedAt: runStartedAt(runId).toISOString(), schemas: runSchemas, rows });
  }
  return { liveRuns: [...live].filter(isRunId), deadRuns, dryRun: options.dryRun };
}

/** Run ids found at the start of tag columns in `schema`. */
async function runsTaggedIn(sql: Sql, schema: string): Promise<RunId[]> {
  const found = new Set<RunId>();
  for (const table of await readCatalog(sql, schema)) {
    for (const column of table.tagColumns) {
      const rows = await sql.unsafe(
        `select distinct substring(${quoteIdent(column)} from '${RUN_ID_IN_VALUE}') as run
         from ${quoteIdent(schema)}.${quoteIdent(table.name)} where ${quoteIdent(column)} ~ '${RUN_ID_IN_VALUE}'`,
      );
      for (const { run } of rows) if (isRunId(String(run))) found.add(run as RunId);
    }
  }
  return [...found];
}

export function formatSweepReport(report: SweepReport): string {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = [`runtag sweep: ${report.liveRuns.length} live run(s) left alone; ${report.deadRuns.length} dead run(s).`];
  for (const run of report.deadRuns) {
    lines.push(`  - run ${run.runId} (started ${run.startedAt}): ${verb} ${run.schemas.length} schema(s), ${run.rows} row(s)`);
  }
  if (report.dryRun && report.deadRuns.length > 0) lines.push('Dry run: nothing was changed. Run again without --dry-run to remove them.');
  return lines.join('\n');
}
