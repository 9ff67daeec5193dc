import { rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { connect, withConnection, type Sql } from '../db/connect.js';
import { DatabaseConnectionError } from '../db/connection-error.js';
import { startDatabase, type DatabaseServer } from '../db/server.js';
import { assertTestDatabase } from '../db/test-database-guard.js';
import { randomSeed } from '../factory/value-stream.js';
import { assertLayoutMatchesDrizzle, defaultMigrationsFolder } from '../isolation/migration-files.js';
import { dropExtensionsOfRun } from '../isolation/extensions.js';
import { dropScopeRole } from '../ownership/scope-role.js';
import { createSharedRole, SHARED_ROLE_SCOPE } from '../isolation/shared-role.js';
import { SchemaPool } from '../isolation/schema-pool.js';
import type { ModuleImporter } from '../isolation/seed-data.js';
import { prepareSharedSchema } from '../isolation/shared-schema.js';
import { readCatalog } from '../ownership/catalog.js';
import { isClean, LeakError, type LeakFindings } from '../leaks/report.js';
import { describeKept, LeakVerifier } from '../leaks/verifier.js';
import { registerRunWithLease } from '../registry/connection-lease.js';
import { startHeartbeat, type Heartbeat } from '../registry/heartbeat.js';
import { hostIdentity } from '../util/host-identity.js';
import { registeredRuns } from '../registry/liveness.js';
import { freshRunKey } from '../registry/fresh-run-key.js';
import { ensureRegistry } from '../registry/registry-schema.js';
import { recordFinishedRun, type RunSummary } from '../registry/run-history.js';
import { closeRunRecord, recordScope, scopesOf, type ScopeRecord } from '../registry/run-records.js';
import { formatSweepReport, sweepDeadRuns } from '../registry/sweep.js';
import { createRunId, runApplicationName, type RunId } from '../run/run-id.js';
import { reapStaleServers } from '../db/embedded/server-dirs.js';
import { createOwnedTempDir, reapLeftoverRunDirs, RUN_DIR_PREFIX } from '../util/owned-temp-dir.js';
import { readJournals, type ScopeJournal } from '../registry/journal.js';
import type { ResolvedOptions } from '../options/resolve-options.js';
import type { RunConfig } from './run-config.js';
import { RuntagError } from '../errors/runtag-error.js';

export interface RunOutcome {
  /** Did any file or test fail (as the runner saw it)? A failed run takes back the extensions it installed. */
  failed?: boolean;
  /** Files the runner reported errors for outside their tests (setup, teardown, import), as labels. */
  setupFailures?: string[];
  /** Files that ran no test (all skipped or filtered out): a scope they opened and never closed is released, not reported. */
  filesNotRun?: string[];
}

export interface StartedRun {
  config: RunConfig;
  server: DatabaseServer;
  /** Final leak check, purge of what this run left, database stop. Throws LeakError on leaks. */
  finish(outcome?: RunOutcome): Promise<RunSummary>;
  /** The labels (test files) of the scopes opened in this run so far, whichever runner project they ran in. */
  scopeLabels(): ReadonlySet<string>;
}

export interface StartRunOptions {
  /** The run's options, resolved by the runner's global setup (or the CLI): the run reads no variable itself. */
  options: ResolvedOptions;
  root: string;
  workers: number;
  /** How the seed data module is imported (the runner's, for TypeScript). */
  importModule?: ModuleImporter;
}

/** The main-process half of a run: database, guard, registry, sweep, lease, shared schema; and the final check. */
export async function startRun({ options, root, workers, importModule }: StartRunOptions): Promise<StartedRun> {
  const startedAt = Date.now();
  const runId = createRunId({ shard: options.shard });
  // What killed runs, demos and servers left in the temp dir, whichever kind of run they were (also with DATABASE_URL).
  reapLeftoverRunDirs();
  reapStaleServers();
  const server = await startDatabase({ databaseUrl: options.databaseUrl, label: runId });
  let heartbeat: Heartbeat | undefined;
  let pool: SchemaPool | undefined;
  try {
    const { isolation, sharedSchema } = options;
    assertTestDatabase(server.url, { embedded: server.embedded, action: 'run tests', allowed: options.allowDatabase });
    const migrationsFolder = options.migrationsFolder ? resolve(root, options.migrationsFolder) : defaultMigrationsFolder(root);
    // Before any schema is built: a folder the installed drizzle-orm would not migrate fails the run here, saying what to do.
    assertLayoutMatchesDrizzle(migrationsFolder);
    const registration = {
      host: hostname(),
      hostIdentity: hostIdentity(),
      pid: process.pid,
      shard: options.shard,
      isolation,
      sharedSchema: isolation === 'shared' ? sharedSchema : undefined,
      workers,
      waitMs: options.budgetWaitSeconds * 1000,
    };
    const { budget, runKey } = await withConnection(
      server.url,
      async (sql) => {
        await ensureRegistry(sql);
        // What crashed runs left is removed before this run adds its own; a sweep already under way is not waited for.
        const swept = await sweepDeadRuns(sql, { dryRun: false, ifLocked: 'skip' });
        if (swept.deadRuns.length > 0 && !options.quiet) console.log(formatSweepReport(swept));
        for (let attempt = 1; ; attempt++) {
          const runKey = await freshRunKey(sql, isolation === 'shared' ? sharedSchema : undefined);
          try {
            return { runKey, budget: await registerRunWithLease(sql, { runId, runKey, ...registration }) };
          } catch (error) {
            // Another run registered the same key between our check and our insert: take another.
            if ((error as { constraint_name?: string }).constraint_name !== 'runs_run_key_key' || attempt >= 5) throw error;
          }
        }
      },
      { max: 2, applicationName: runApplicationName(runId, 'setup') },
    );
    heartbeat = startHeartbeat(server.url, runId);
    // The shared schema's tables as the run found them (after migrating): each file's leak check reads them from here
    // instead of the catalog (the run's end reads the catalog afresh, so a table made during the run is checked there).
    const shared =
      isolation === 'shared'
        ? await withConnection(
            server.url,
            async (sql) => {
              if (options.migrateShared) await prepareSharedSchema(sql, sharedSchema, migrationsFolder);
              const catalog = await readCatalog(sql, sharedSchema);
              const role = await createSharedRole(sql, runId, sharedSchema, (roleName) =>
                recordScope(sql, runId, { scope: SHARED_ROLE_SCOPE, label: "the run's role for the shared schema", roleName, schemaName: null }),
              );
              return { catalog, role };
            },
            { max: 2, applicationName: runApplicationName(runId, 'setup') },
          )
        : undefined;
    const sharedCatalog = shared?.catalog;
    // Owned by this process: if the run dies without removing it, the next run does.
    const runDir = createOwnedTempDir(`${RUN_DIR_PREFIX}${runId}`);
    const config: RunConfig = {
      runId,
      runKey,
      databaseUrl: server.url,
      isolation,
      sharedSchema,
      sharedCatalog,
      ...(shared?.role ? { sharedRole: shared.role } : {}),
      migrationsFolder,
      poolSize: budget.perWorker,
      schemaPool: isolation === 'shared' ? 0 : (options.schemaPool ?? workers),
      seedData: options.seedData && isolation !== 'shared' ? resolve(root, options.seedData) : undefined,
      seed: options.seed ?? randomSeed(),
      runDir,
      root,
      testTimeBudgetMs: options.testTimeBudgetMs,
      sandboxLockWaitMs: options.sandboxLockWaitMs,
      keepLeaks: options.keepLeaks,
      allowDatabase: options.allowDatabase,
      databaseUrlEnv: [...options.databaseUrlEnv],
    };
    if (config.seedData && config.schemaPool === 0) {
      throw new RuntagError(
        'OPTIONS_CONFLICT',
        'runtag: seedData is written by the schema pool, which is off (schemaPool or RUNTAG_SCHEMA_POOL is 0). Give the pool at least 1 schema.',
      );
    }
    pool =
      config.schemaPool > 0
        ? SchemaPool.start({ url: server.url, runId, migrationsFolder, size: config.schemaPool, seedData: config.seedData, importModule, runDir })
        : undefined;
    const alive = heartbeat;
    const filling = pool;
    return {
      config,
      server,
      finish: (outcome = {}) => finishRun(config, options, server, alive, filling, workers, startedAt, outcome),
      scopeLabels: () => new Set(readJournals(config.runDir).map((journal) => journal.label)),
    };
  } catch (error) {
    await pool?.stop().catch(() => {});
    await heartbeat?.stop();
    // Registered but failed before any test: nothing of the run exists yet besides its record.
    await withConnection(server.url, (sql) => closeRunRecord(sql, runId, undefined)).catch(() => {});
    await server.stop();
    throw error;
  }
}

async function finishRun(
  config: RunConfig,
  options: ResolvedOptions,
  server: DatabaseServer,
  heartbeat: Heartbeat,
  pool: SchemaPool | undefined,
  workers: number,
  startedAt: number,
  outcome: RunOutcome,
): Promise<RunSummary> {
  try {
    // Schemas no file claimed go first: they are the pool's, not leaks.
    const poolProblem = await pool?.stop().then(
      () => undefined,
      (e: Error) => `the schema pool could not drop its unclaimed schemas: ${e.message}`,
    );
    const journals = readJournals(config.runDir);
    // Leak reports name scopes as tags carry them (numbers) or as schemas do (file hashes): both lead to the file.
    const files = new Map(journals.flatMap((j) => [[j.scope, j.label] as const, ...(j.tagScope ? [[j.tagScope, j.label] as const] : [])]));
    // A scope whose journal never got its tag scope opened but never got its schema: its file's setup failed.
    // A file whose only error outside its tests is its own leak report ran its tests and closed: its leak says so, not "failed to set up".
    const reportedLeak = new Set(journals.filter((j) => j.closedAt !== undefined && j.leaks.length > 0).map((j) => j.label));
    const setupFailures = [
      ...new Set([
        ...journals.filter((j) => j.tagScope === undefined).map((j) => j.label),
        ...(outcome.setupFailures ?? []).filter((label) => !reportedLeak.has(label)),
      ]),
    ].sort();
    const failed = outcome.failed === true || setupFailures.length > 0;
    let extensionsDropped: string[] = [];
    const sql = connect(server.url, { max: 1, applicationName: runApplicationName(config.runId, 'final') });
    let asRole: Sql | undefined;
    let findings: LeakFindings;
    const problems: string[] = poolProblem ? [poolProblem] : [];
    try {
      const lost = server.lost?.();
      if (lost) {
        problems.push('the embedded server went away during the run');
        throw new DatabaseConnectionError('EMBEDDED_SERVER_LOST', lost);
      }
      if (heartbeat.swept) {
        problems.push('the run was removed from the registry while it ran');
        throw new RuntagError(
          'RUN_SWEPT',
          `runtag: run ${config.runId} was swept as dead by another process while it ran (its heartbeat did not reach the database for too long). ` +
            'Its schemas and rows may have been removed under its tests, so its results cannot be trusted: run it again.',
        );
      }
      // The shared schema's rows are checked and deleted as the run's shared role: a trigger of the app's schema that a
      // delete fires runs with that role's rights, not the DATABASE_URL user's.
      asRole = config.sharedRole
        ? connect(server.url, {
            max: 1,
            credentials: { user: config.sharedRole.name, password: config.sharedRole.password },
            searchPath: [config.sharedSchema],
            applicationName: runApplicationName(config.runId, 'final'),
          })
        : undefined;
      const verifier = new LeakVerifier(asRole ?? sql, config.runKey);
      const leftScopes = await scopesWithSchemaLeft(sql, config.runId);
      const owned = config.isolation === 'shared' ? await verifier.findRows(config.sharedSchema) : [];
      // Rows a scope left because another scope's rows referenced them were expected to remain until now.
      const deferred = new Set(journals.flatMap((j) => j.deferred.map((d) => `${d.table}|${JSON.stringify(d.key)}`)));
      const rows = owned
        .map((leak) => {
          const keys = leak.keys.filter((key) => !deferred.has(`${leak.table}|${JSON.stringify(key)}`));
          return { ...leak, count: keys.length, keys, sampleKeys: keys.slice(0, 5) };
        })
        .filter((leak) => leak.count > 0);
      // A file that ran no test opened its scope (the setup file does, for its URL) and never ran the hooks that close it.
      const notRun = new Set(outcome.filesNotRun ?? []);
      const unusedScopes = new Set(journals.filter((j) => j.closedAt === undefined && notRun.has(j.label)).map((j) => j.scope));
      findings = {
        runId: config.runId,
        rows,
        schemas: leftScopes.filter((scope) => !unusedScopes.has(scope.scope)).map((scope) => ({ schema: scope.schemaName!, scope: scope.scope })),
      };
      if (!config.keepLeaks || isClean(findings)) {
        // Only what this run provably owns: rows with its tag (or hanging only off them), objects its scope roles own.
        if (owned.length > 0) {
          const removal = await verifier.deleteRows(config.sharedSchema).catch((e: Error) => (problems.push(e.message), undefined));
          if (removal && removal.kept.length > 0) problems.push(`${removal.kept.length} row(s) kept: ${describeKept(removal.kept)}`);
        }
        for (const scope of leftScopes) await dropScopeRole(sql, scope.roleName!).catch((e: Error) => problems.push(e.message));
      }
      if (!isClean(findings) && config.keepLeaks) problems.push('leaks kept for inspection (RUNTAG_KEEP_LEAKS=1)');
      // A failed run leaves no extension behind that was not there before it (unless another live run may use it).
      if (failed || !isClean(findings)) {
        extensionsDropped = await dropExtensionsOfRun(
          sql,
          config.runId,
          async (tx) => (await registeredRuns(tx)).filter((r) => r.alive && r.runId !== config.runId).length,
        ).catch((e: Error) => (problems.push(`the extensions it installed: ${e.message}`), []));
      }
      if (config.sharedRole) {
        await asRole?.end({ timeout: 5 });
        asRole = undefined;
        await dropScopeRole(sql, config.sharedRole.name).catch((e: Error) => problems.push(`the run's shared role: ${e.message}`));
      }
      await closeRunRecord(sql, config.runId, problems.length > 0 ? problems.join('; ') : undefined);
    } finally {
      await asRole?.end({ timeout: 5 });
      await sql.end({ timeout: 5 });
    }
    const summary: RunSummary = {
      ...(config.isolation === 'shared' && !config.sharedRole ? { testsRanAs: decodeURIComponent(new URL(server.url).username) } : {}),
      runId: config.runId,
      runKey: config.runKey,
      isolation: config.isolation,
      workers,
      workerProcesses: new Set(journals.map((j) => j.pid)).size,
      peakConcurrency: peakConcurrency(journals),
      files: journals.length,
      schemasCreated: journals.filter((j) => j.schemaCreated).length,
      schemasFromPool: journals.filter((j) => j.schemaFrom === 'pool').length,
      // Dropped by their files, or by the pool once the files that claimed them closed.
      schemasDropped: journals.filter((j) => j.schemaDropped || (j.schemaHandedBack && pool?.stats.released.has(j.schema))).length,
      rowsCreated: journals.reduce((n, j) => n + j.rowsCreated, 0),
      rowsCleaned: journals.reduce((n, j) => n + j.rowsCleaned, 0),
      leaks: [
        ...journals.flatMap((j) => j.leaks.map((l) => ({ kind: 'rows' as const, where: `${l.schema}.${l.table}`, count: l.count, file: j.label }))),
        ...findings.rows.map((l) => ({
          kind: 'rows' as const,
          where: `${l.schema}.${l.table}`,
          count: l.count,
          file: l.scopes.map((s) => files.get(s) ?? s).join(', ') || undefined,
        })),
        ...findings.schemas.map((s) => ({ kind: 'schema' as const, where: s.schema, count: 1, file: s.scope ? files.get(s.scope) : undefined })),
      ],
      problems,
      setupFailures,
      extensionsDropped,
      testTimeBudgetMs: config.testTimeBudgetMs,
      slowTests: journals
        .flatMap((j) => (j.slowTests ?? []).map((t) => ({ file: j.label, test: t.test, ms: t.ms })))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 10),
      wallMs: Date.now() - startedAt,
    };
    if (options.summaryFile) writeFileSync(options.summaryFile, JSON.stringify(summary), { mode: 0o600 });
    // A server that outlives the run keeps its summary a while: \`runtag runs\` merges CI shards from it.
    if (!server.embedded) {
      await withConnection(
        server.url,
        (history) => recordFinishedRun(history, summary, { host: hostname(), shard: options.shard, ciGroup: options.ciGroup, startedAt: new Date(startedAt) }),
        {
          max: 1,
          applicationName: runApplicationName(config.runId, 'final'),
        },
      ).catch((e: Error) => console.error(`runtag: could not record the run's summary for runtag runs: ${e.message}`));
    }
    if (!isClean(findings)) throw new LeakError(findings, files);
    return summary;
  } finally {
    rmSync(config.runDir, { recursive: true, force: true });
    await heartbeat.stop();
    await server.stop();
  }
}

/** Scopes of this run (from the registry) whose schema still exists. */
async function scopesWithSchemaLeft(sql: Sql, runId: RunId): Promise<ScopeRecord[]> {
  const scopes = await scopesOf(sql, runId);
  const named = scopes.filter((s) => s.schemaName && s.roleName);
  if (named.length === 0) return [];
  const existing = new Set(
    (await sql<{ name: string }[]>`select nspname as name from pg_namespace where nspname = any(${named.map((s) => s.schemaName!)})`).map((r) => r.name),
  );
  return named.filter((s) => existing.has(s.schemaName!));
}

/**
 * The run's closing line: never "no leaks" when a file's or the run's leak check found some, and
 * never a clean verdict for a run a file of which failed to set up: that file's tests never ran.
 */
export function describeRunEnd(summary: RunSummary): string {
  const leaked = summary.leaks.reduce((n, leak) => n + leak.count, 0);
  const failures = summary.setupFailures ?? [];
  const leaks =
    leaked > 0
      ? `${leaked} leaked row(s)/schema(s) in ${summary.leaks.length} place(s), reported above`
      : failures.length > 0
        ? 'no leaks found in what did run'
        : 'no leaks';
  const problems = summary.problems.length > 0 ? `; could not remove: ${summary.problems.join('; ')}` : '';
  const failed =
    failures.length > 0
      ? `; FAILED: ${failures.length} file(s) failed to set up or tear down (${failures.slice(0, 5).join(', ')}${failures.length > 5 ? ', …' : ''}), ` +
        'so their tests did not run or did not finish: see the errors above'
      : '';
  const extensions = (summary.extensionsDropped ?? []).length > 0 ? `; took back the extension(s) it installed: ${summary.extensionsDropped.join(', ')}` : '';
  // Shared isolation without a role of its own: what the app's triggers and defaults ran with is worth a line.
  const rights = summary.testsRanAs ? `; tests ran as ${summary.testsRanAs}, which may not create roles, so with its rights` : '';
  return (
    `runtag: run ${summary.runId} (${summary.isolation}): ${summary.files} scope(s) in ${summary.workerProcesses} process(es), ` +
    `${summary.rowsCreated} row(s) created / ${summary.rowsCleaned} cleaned, ${summary.schemasCreated} schema(s) created${summary.schemasFromPool > 0 ? ` (${summary.schemasFromPool} ready from the pool)` : ''} / ` +
    `${summary.schemasDropped} dropped, ${leaks}${problems}${failed}${extensions}${rights}.` +
    describeSlowTests(summary)
  );
}

/** The tests over the budget, as a report (the run does not fail for them). */
function describeSlowTests(summary: RunSummary): string {
  const slow = summary.slowTests ?? [];
  if (slow.length === 0) return '';
  const lines = slow.map((t) => `  ${(t.ms / 1000).toFixed(2)} s  ${t.file} > ${t.test}`);
  return `\nruntag: ${slow.length === 10 ? 'the 10 slowest' : slow.length} test(s) over the ${summary.testTimeBudgetMs} ms budget (reported, not failed):\n${lines.join('\n')}`;
}

function peakConcurrency(journals: ScopeJournal[]): number {
  const events = journals.flatMap((j) => [
    { at: j.openedAt, delta: 1 },
    { at: j.closedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const event of events) peak = Math.max(peak, (open += event.delta));
  return peak;
}
