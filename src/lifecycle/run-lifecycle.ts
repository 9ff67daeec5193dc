import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectionBudget } from '../db/budget.js';
import { connect, withConnection } from '../db/connect.js';
import { startDatabase, type DatabaseServer } from '../db/server.js';
import { randomSeed, seedFromEnv } from '../factory/session.js';
import { prepareSharedSchema } from '../isolation/test-schema.js';
import { isClean, LeakError, type LeakFindings } from '../leaks/report.js';
import { LeakVerifier } from '../leaks/verifier.js';
import { createRunId, runApplicationName } from '../run/run-id.js';
import { announcePresence } from './presence.js';
import { readJournals, type ScopeJournal } from './journal.js';
import type { RunConfig, RuntagOptions } from './run-config.js';

export interface RunSummary {
  runId: string;
  isolation: string;
  /** Workers allowed, and the distinct processes that ran scopes (Vitest forks one per file). */
  workers: number;
  workerProcesses: number;
  /** Most scopes open at the same moment. */
  peakConcurrency: number;
  files: number;
  schemasCreated: number;
  schemasDropped: number;
  rowsCreated: number;
  rowsCleaned: number;
  /** Leaks found after each file and at the end of the run; empty when clean. */
  leaks: { kind: 'rows' | 'schema'; where: string; count: number; file: string | undefined }[];
  wallMs: number;
}

export interface StartedRun {
  config: RunConfig;
  server: DatabaseServer;
  /** Final leak check, purge of what this run left, database stop. Throws LeakError on leaks. */
  finish(): Promise<RunSummary>;
}

/** The main-process half of a run: database, run id, budget, shared schema; and the final check. */
export async function startRun(options: RuntagOptions & { root: string; workers: number }): Promise<StartedRun> {
  const startedAt = Date.now();
  const runId = createRunId();
  const server = await startDatabase({ label: runId });
  let presence: { end(): Promise<void> } | undefined;
  try {
    presence = await announcePresence(server.url, runId);
    const isolation = (process.env.RUNTAG_ISOLATION as RunConfig['isolation'] | undefined) ?? options.isolation ?? 'schema';
    if (isolation !== 'schema' && isolation !== 'shared') {
      throw new Error(`runtag: isolation must be "schema" or "shared", got "${isolation}" (from RUNTAG_ISOLATION or the runtag options).`);
    }
    const sharedSchema = options.sharedSchema ?? 'public';
    const migrationsFolder = resolve(options.root, options.migrationsFolder ?? 'migrations');
    const budget = await withConnection(server.url, async (sql) => {
      if (isolation === 'shared' && options.migrateShared !== false) await prepareSharedSchema(sql, sharedSchema, migrationsFolder);
      return connectionBudget(sql, options.workers);
    });
    const runDir = join(tmpdir(), 'runtag', runId);
    mkdirSync(runDir, { recursive: true });
    const config: RunConfig = {
      runId,
      databaseUrl: server.url,
      isolation,
      sharedSchema,
      migrationsFolder,
      poolSize: budget.perWorker,
      seed: seedFromEnv() ?? randomSeed(),
      runDir,
      root: options.root,
    };
    const alive = presence;
    return { config, server, finish: () => finishRun(config, server, alive, options.workers, startedAt) };
  } catch (error) {
    await presence?.end();
    await server.stop();
    throw error;
  }
}

async function finishRun(
  config: RunConfig,
  server: DatabaseServer,
  presence: { end(): Promise<void> },
  workers: number,
  startedAt: number,
): Promise<RunSummary> {
  try {
    const journals = readJournals(config.runDir);
    const files = new Map(journals.map((j) => [j.scope, j.label]));
    const sql = connect(server.url, { max: 1, applicationName: runApplicationName(config.runId, 'final') });
    let findings: LeakFindings;
    try {
      const verifier = new LeakVerifier(sql, config.runId);
      const schemas = await verifier.findSchemas();
      const rows = config.isolation === 'shared' ? await verifier.findRows(config.sharedSchema) : [];
      findings = {
        runId: config.runId,
        rows,
        schemas: schemas.map((schema) => ({ schema, scope: journals.find((j) => j.schema === schema)?.scope })),
      };
      if (!isClean(findings) && process.env.RUNTAG_KEEP_LEAKS !== '1') {
        if (rows.length > 0) await verifier.deleteRows(config.sharedSchema);
        await verifier.dropSchemas(schemas);
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
    const summary: RunSummary = {
      runId: config.runId,
      isolation: config.isolation,
      workers,
      workerProcesses: new Set(journals.map((j) => j.pid)).size,
      peakConcurrency: peakConcurrency(journals),
      files: journals.length,
      schemasCreated: journals.filter((j) => j.schemaCreated).length,
      schemasDropped: journals.filter((j) => j.schemaDropped).length,
      rowsCreated: journals.reduce((n, j) => n + j.rowsCreated, 0),
      rowsCleaned: journals.reduce((n, j) => n + j.rowsCleaned, 0),
      leaks: [
        ...journals.flatMap((j) => j.leaks.map((l) => ({ kind: 'rows' as const, where: `${l.schema}.${l.table}`, count: l.count, file: j.label }))),
        ...findings.rows.map((l) => ({ kind: 'rows' as const, where: `${l.schema}.${l.table}`, count: l.count, file: l.scopes.map((s) => files.get(s) ?? s).join(', ') || undefined })),
        ...findings.schemas.map((s) => ({ kind: 'schema' as const, where: s.schema, count: 1, file: s.scope ? files.get(s.scope) : undefined })),
      ],
      wallMs: Date.now() - startedAt,
    };
    if (process.env.RUNTAG_SUMMARY_FILE) writeFileSync(process.env.RUNTAG_SUMMARY_FILE, JSON.stringify(summary));
    if (!isClean(findings)) throw new LeakError(findings, files);
    return summary;
  } finally {
    rmSync(config.runDir, { recursive: true, force: true });
    await presence.end();
    await server.stop();
  }
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
