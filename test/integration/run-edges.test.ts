/**
 * Edges of a run's start and end, against a database of this file's own: the connection budget's
 * wording when a run is refused at once and when it waited, the worker count when Vitest's config
 * has none, empty RUNTAG_* variables, the guard's refusal from `runtag sweep`, `runtag doctor` on a
 * run whose own process was killed while its orphaned workers hold connections, and an orphaned
 * worker opening a file after its run was swept.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { quoteIdent, withConnection, type Sql } from '../../src/db/connect.js';
import { diagnose } from '../../src/diagnostics/doctor.js';
import { ConnectionBudgetError, registerRunWithLease } from '../../src/registry/connection-lease.js';
import { hostIdentity } from '../../src/util/host-identity.js';
import { ensureRegistry } from '../../src/registry/registry-schema.js';
import { recordScope } from '../../src/registry/run-records.js';
import { sweepDeadRuns } from '../../src/registry/sweep.js';
import { createRunId, type RunId } from '../../src/run/run-id.js';
import { runChild } from '../support/child-run.js';
import { plantUserData } from '../support/leftovers.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

let db: ScratchDatabase;
let sql: Sql;
let checksum: () => Promise<string>;
let original: string;
const HERE = hostIdentity();
/** A pid that certainly existed on this machine and is gone now. */
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;

beforeAll(async () => {
  db = await createScratchDatabase(inject('runtag').databaseUrl, 'edges');
  sql = db.sql;
  await ensureRegistry(sql);
  checksum = await plantUserData(sql);
  original = await checksum();
});
afterAll(async () => {
  // Nothing runtag did here touched data that is not its own.
  expect(await checksum()).toBe(original);
  await db?.drop();
});

const registration = (runId: RunId, workers: number, waitMs: number) => ({
  runId,
  runKey: runId.slice(-8),
  host: 'edges',
  hostIdentity: HERE,
  pid: process.pid,
  shard: undefined,
  isolation: 'schema' as const,
  sharedSchema: undefined,
  workers,
  waitMs,
});
const registered = async () => (await sql`select run_id from runtag.runs order by 1`).map((r) => r.run_id as string);

describe('the connection budget says what happened', () => {
  it('refused at once, never fitting: says so, and does not claim to have waited', async () => {
    const started = Date.now();
    const error = await registerRunWithLease(sql, registration(createRunId(), 1000, 60_000)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(ConnectionBudgetError);
    expect(error!.message).toMatch(/too few for 1000 worker\(s\).*It could never fit, even with no other runtag run on the server.*so runtag did not wait\./s);
    expect(error!.message).not.toMatch(/within 60 s|wait for the other runs|RUNTAG_BUDGET_WAIT_SECONDS/);
    expect(await registered()).toEqual([]);
  });

  it('refused after waiting for other runs: says how long it waited', async () => {
    const holder = createRunId();
    await sql`insert into runtag.runs (run_id, run_key, host, host_identity, pid, isolation, connections)
              values (${holder}, ${holder.slice(-8)}, 'edges', ${HERE}, ${process.pid}, 'schema', 100000)`;
    try {
      const error = await registerRunWithLease(sql, registration(createRunId(), 1, 2_000)).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error!.message).toMatch(/other runs freed too few within the 2 s runtag waited\./);
      expect(error!.message).toContain(`run ${holder} on edges`);
      expect(await registered()).toEqual([holder]);
    } finally {
      await sql`delete from runtag.runs where run_id = ${holder}`;
    }
  }, 120_000);
});

describe('a run as Vitest and the environment set it up', () => {
  const summaryOf = (env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'runtag-edges-'));
    try {
      const run = runChild('vitest', ['--config', 'test/fixtures/edges/vitest.config.ts', 'test/fixtures/leaks/clean.fixture.ts'], {
        env: { DATABASE_URL: db.url, RUNTAG_SUMMARY_FILE: join(dir, 'summary.json'), RUNTAG_BUDGET_WAIT_SECONDS: '3', ...env },
      });
      expect(run.status, run.output).toBe(0);
      expect(run.output).not.toMatch(/undefined/);
      return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { workers: number; isolation: string };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("no maxWorkers in the Vitest config: budgets for Vitest's own default worker count", () => {
    expect(summaryOf({}).workers).toBe(Math.max(availableParallelism() - 1, 1));
  }, 120_000);

  it('empty RUNTAG_* variables mean unset, like absent ones', () => {
    const summary = summaryOf({ RUNTAG_ISOLATION: '', RUNTAG_SCHEMA_POOL: '', RUNTAG_SHARD: '', RUNTAG_TEST_BUDGET_MS: '', RUNTAG_SEED: '' });
    expect(summary.isolation).toBe('schema');
  }, 120_000);
});

describe('the CLI', () => {
  it('`runtag sweep` on a database the guard refuses prints the message only, and exits 2', async () => {
    const name = `runtag_guard_${Math.random().toString(36).slice(2, 8)}`;
    await withConnection(db.url, (admin) => admin.unsafe(`create database ${quoteIdent(name)}`));
    try {
      const url = new URL(db.url);
      url.pathname = `/${name}`;
      const sweep = runChild('runtag', ['sweep'], { env: { DATABASE_URL: url.toString() }, timeoutMs: 60_000 });
      expect(sweep.status).toBe(2);
      expect(sweep.stderr.trim()).toMatch(new RegExp(`^runtag: refusing to sweep in database "${name}" .*set RUNTAG_ALLOW_DATABASE=${name}\\.$`, 's'));
      expect(sweep.stderr).not.toMatch(/\n\s+at |NotATestDatabaseError/);
    } finally {
      await withConnection(db.url, (admin) => admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`));
    }
  }, 120_000);
});

describe('runtag demo', () => {
  it('a demo whose run fails to set up says so and exits 1: no summary, no ENOENT stack', () => {
    const demo = runChild('runtag', ['demo', '--isolation', 'sideways']);
    expect(demo.status, demo.stderr).toBe(1);
    expect(demo.stderr).toMatch(/isolation must be "schema", "shared" or "transaction", got "sideways"/);
    expect(demo.stderr.trim()).toMatch(
      /runtag: the demo run failed to set up \(the error above says why\), so none of its tests ran and there is no summary to show\. .*$/,
    );
    expect(`${demo.stdout}${demo.stderr}`).not.toMatch(/ENOENT|runtag demo summary|no leaks/);
  }, 120_000);
});

describe('a run whose main process was killed', () => {
  it("runtag doctor: live only by its orphaned workers' connections is a problem, saying what will happen", async () => {
    const runId = createRunId();
    await sql`insert into runtag.runs (run_id, run_key, host, host_identity, pid, isolation, connections)
              values (${runId}, ${runId.slice(-8)}, 'edges', ${HERE}, ${deadPid}, 'schema', 7)`;
    // A real process standing in for an orphaned worker: it holds a connection named after the run.
    const worker = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import postgres from 'postgres'; const sql = postgres(process.env.URL, { connection: { application_name: 'runtag:${runId}:scope-7' } }); await sql\`select 1\`; console.log('connected'); setInterval(() => {}, 1000);`,
      ],
      { env: { ...process.env, URL: db.url }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => worker.stdout.on('data', () => resolve()));
      const report = await diagnose(sql, { workers: 1 });
      expect(report.verdict).toMatch(
        new RegExp(
          `^PROBLEM: .*run ${runId}'s own process \\(pid ${deadPid}\\) is gone from this machine \\(killed\\), but 1 connection\\(s\\) of its orphaned workers are still open: its results are lost; .*then any new run or \`runtag sweep\` removes what it left`,
        ),
      );
      expect(report.runs.live.map((r) => r.runId)).toEqual([runId]);
      // Sweeping leaves it alone while the worker holds a connection.
      expect((await sweepDeadRuns(sql, { dryRun: false, ifLocked: 'fail' })).deadRuns).toEqual([]);
      expect(await registered()).toEqual([runId]);
    } finally {
      worker.kill('SIGKILL');
      await sql`delete from runtag.runs where run_id = ${runId}`;
    }
  }, 120_000);

  it('an orphaned worker opening a file after its run was swept fails clearly and records nothing', async () => {
    const runId = createRunId();
    await sql`insert into runtag.runs (run_id, run_key, host, host_identity, pid, isolation, connections)
              values (${runId}, ${runId.slice(-8)}, 'edges', ${HERE}, ${deadPid}, 'schema', 7)`;
    const swept = await sweepDeadRuns(sql, { dryRun: false, ifLocked: 'fail' });
    expect(swept.deadRuns.map((r) => r.runId)).toEqual([runId]);
    const error = await recordScope(sql, runId, { scope: 'f1', label: 'test/late.test.ts', roleName: null, schemaName: null }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('RunNotRegisteredError');
    expect(error!.message).toMatch(
      new RegExp(
        `^runtag: run ${runId} is no longer in the run registry: a sweep .* judged it dead.*This process \\(pid ${process.pid}\\) is left over from that run .* "test/late\\.test\\.ts" fails here without creating anything\\.`,
        's',
      ),
    );
    expect((await sql`select count(*)::int as n from runtag.scopes`)[0]!.n).toBe(0);
  });
});
