import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject } from 'vitest';
import { test as it } from '../support/runtag-test.js';
import { connect } from '../../src/db/connect.js';
import type { RunSummary } from '../../src/registry/run-history.js';
import { runFixtureSuite } from '../support/child-run.js';
import { testTempDir } from '../support/temp-dir.js';

const summaryFile = () => join(testTempDir('runtag-summary-'), 'summary.json');

describe('leak report of a whole run', () => {
  it('reports the one leaking file and table, nothing else, and fails the run', async ({ runtag }) => {
    const summary = summaryFile();
    const run = runFixtureSuite(inject('runtag').databaseUrl, ['test/fixtures/leaks/leaky.fixture.ts', 'test/fixtures/leaks/clean.fixture.ts'], {
      RUNTAG_ISOLATION: 'shared',
      RUNTAG_SUMMARY_FILE: summary,
    });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toMatch(/LeakError: runtag: leak check failed for run [0-9a-z-]+: 1 row\(s\) in 1 table\(s\)/);
    expect(run.output).toMatch(/table public\.users: 1 row\(s\), e\.g\. \{"id":"[0-9a-f-]{36}"\} \(created by test\/fixtures\/leaks\/leaky\.fixture\.ts\)/);
    expect(run.output).not.toMatch(/table public\.(bookings|children|instructor_profiles)/);
    expect(run.output).not.toMatch(/created by test\/fixtures\/leaks\/clean/);
    const result = JSON.parse(readFileSync(summary, 'utf8')) as RunSummary;
    expect(result.leaks).toEqual([{ kind: 'rows', where: 'public.users', count: 1, file: 'test/fixtures/leaks/leaky.fixture.ts' }]);
    expect(result.rowsCreated).toBe(5 + 15);

    // The child ran on this run's live database: it left this file's schema alone, and what it
    // leaked was removed after the report.
    const childKey = result.runKey;
    const sql = connect(inject('runtag').databaseUrl, { max: 1 });
    try {
      const [mine] = await sql`select count(*)::int as n from pg_namespace where nspname = ${runtag.testSchema.name}`;
      const [left] = await sql`select count(*)::int as n from public.users where email like ${`${childKey}-%`}`;
      expect([mine!.n, left!.n]).toEqual([1, 0]);
    } finally {
      await sql.end();
    }
  }, 120_000);

  it("in a file's own schema, rows written behind the factories' back go with the schema: no leak, nothing left", async () => {
    const summary = summaryFile();
    const run = runFixtureSuite(inject('runtag').databaseUrl, ['test/fixtures/leaks/leaky.fixture.ts', 'test/fixtures/leaks/clean.fixture.ts'], {
      RUNTAG_ISOLATION: 'schema',
      RUNTAG_SUMMARY_FILE: summary,
    });
    expect(run.status, run.output).toBe(0);
    const result = JSON.parse(readFileSync(summary, 'utf8')) as RunSummary;
    expect(result).toMatchObject({ isolation: 'schema', leaks: [], problems: [], schemasCreated: 2, schemasDropped: 2 });
    // Counted as cleaned: they went with their schema.
    expect(result.rowsCleaned).toBe(result.rowsCreated);
    const sql = connect(inject('runtag').databaseUrl, { max: 1 });
    try {
      const [left] = await sql`select count(*)::int as n from pg_namespace where nspname like ${`rt\\_${result.runId.replaceAll('-', '\\_')}\\_%`}`;
      const [role] = await sql`select count(*)::int as n from pg_roles where rolname like ${`rt\\_${result.runId.replaceAll('-', '\\_')}\\_%`}`;
      expect([left!.n, role!.n]).toEqual([0, 0]);
    } finally {
      await sql.end();
    }
  }, 120_000);

  it('after the run, finds the schema a crashed worker left and names its file', () => {
    const summary = summaryFile();
    const run = runFixtureSuite(inject('runtag').databaseUrl, ['test/fixtures/leaks/crash.fixture.ts', 'test/fixtures/leaks/clean.fixture.ts'], {
      RUNTAG_SUMMARY_FILE: summary,
    });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/schema rt_[0-9a-z_]+ still exists \(created by test\/fixtures\/leaks\/crash\.fixture\.ts\)/);
    const result = JSON.parse(readFileSync(summary, 'utf8')) as RunSummary;
    expect(result.leaks).toEqual([expect.objectContaining({ kind: 'schema', file: 'test/fixtures/leaks/crash.fixture.ts' })]);
    expect(result.schemasDropped).toBe(1); // the clean file's own
  }, 120_000);
});

describe('seed replay', () => {
  const generated = (output: string) => output.match(/GENERATED (\[.*\])/)?.[1];

  it('a failing test prints the seed, and RUNTAG_SEED replays the same values', () => {
    const failing = runFixtureSuite(inject('runtag').databaseUrl, ['test/fixtures/seed/seeded.fixture.ts'], { SEED_FIXTURE_FAIL: '1' });
    expect(failing.status).toBe(1);
    const seed = failing.output.match(/replay them with RUNTAG_SEED=(\d+)/)?.[1];
    expect(seed, failing.output).toBeDefined();

    const replay = runFixtureSuite(inject('runtag').databaseUrl, ['test/fixtures/seed/seeded.fixture.ts'], { RUNTAG_SEED: seed! });
    expect(replay.status, replay.output).toBe(0);
    expect(generated(replay.output)).toBe(generated(failing.output));

    const other = runFixtureSuite(inject('runtag').databaseUrl, ['test/fixtures/seed/seeded.fixture.ts'], { RUNTAG_SEED: String(Number(seed) + 1) });
    expect(generated(other.output)).toBeDefined();
    expect(generated(other.output)).not.toBe(generated(failing.output));
  }, 120_000);
});
