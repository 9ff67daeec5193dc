/**
 * The schema pool: a run's main process keeps migrated schemas ready, and the files of the run,
 * on several workers at once, claim them instead of building their own. Each file's schema is its
 * own, and nothing of the pool outlives the run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { hostIdentity } from '../../src/util/host-identity.js';
import type { RunSummary } from '../../src/registry/run-history.js';
import { leftoversOf, NOTHING_LEFT } from '../support/leftovers.js';
import { runChild, runFixtureSuite } from '../support/child-run.js';
import { testTempDir } from '../support/temp-dir.js';

const FILES = [1, 2, 3, 4, 5, 6].map((n) => `test/fixtures/pool/pool-${n}.fixture.ts`);

function runPoolSuite(pool: string): { summary: RunSummary; schemas: { name: string; from: string }[]; output: string } {
  const summaryFile = join(testTempDir('runtag-summary-'), 'summary.json');
  const run = runFixtureSuite(inject('runtag').databaseUrl, FILES, { RUNTAG_SCHEMA_POOL: pool, RUNTAG_SUMMARY_FILE: summaryFile });
  expect(run.status, run.output).toBe(0);
  const schemas = [...run.output.matchAll(/SCHEMA (\S+) FROM (\S+)/g)].map(([, name, from]) => ({ name: name!, from: from! }));
  return { summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary, schemas, output: run.output };
}

describe('schema pool', () => {
  it('with seed data whose module fails, files fail at once saying the pool stopped (not after waiting for it)', () => {
    const seed = join(testTempDir('runtag-seed-'), 'seed.mjs');
    writeFileSync(seed, "export default async function seed() { throw new Error('the seed module exploded'); }\n");
    const started = Date.now();
    const { status, output } = runChild('vitest', ['--config', 'test/fixtures/setup-failure/vitest.config.ts', 'test/fixtures/leaks/clean.fixture.ts'], {
      env: { DATABASE_URL: inject('runtag').databaseUrl, FIXTURE_SEED_DATA: seed },
    });
    expect(status, output).not.toBe(0);
    expect(output).toMatch(/the schema pool stopped building schemas: .*the seed module exploded/);
    expect(output).toMatch(/test\/fixtures\/leaks\/clean\.fixture\.ts got no seeded schema from the run's pool \(the pool stopped building\)/);
    expect(output).not.toMatch(/no leaks\./);
    // Well before the 120 s a file would wait for a pool that is still building.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('files on two workers claim ready schemas, each its own; the run leaves no schema or role', async () => {
    const { summary, schemas, output } = runPoolSuite('3');
    expect(schemas).toHaveLength(6);
    expect(new Set(schemas.map((s) => s.name)).size).toBe(6);
    const pooled = schemas.filter((s) => s.from === 'pool');
    expect(pooled.length, output).toBeGreaterThanOrEqual(3);
    for (const s of pooled) expect(s.name).toMatch(/_p\d+$/);
    expect(summary).toMatchObject({ files: 6, schemasCreated: 6, schemasDropped: 6, schemasFromPool: pooled.length, leaks: [], problems: [] });
    expect(output).toMatch(new RegExp(`6 schema\\(s\\) created \\(${pooled.length} ready from the pool\\)`));

    const sql = connect(inject('runtag').databaseUrl, { max: 1 });
    try {
      // The pool built more than the files claimed: those went with the run too.
      expect(await leftoversOf(sql, [{ runId: summary.runId, runKey: summary.runKey }], 'public')).toEqual(NOTHING_LEFT);
    } finally {
      await sql.end();
    }
  }, 120_000);

  it("another live run's ready pool schema is neither claimed nor dropped by this run", async () => {
    const sql = connect(inject('runtag').databaseUrl, { max: 1 });
    const other = { runId: 'zzzzzzzz-1-test-otherrun', key: 'zzzotherx', schema: 'rt_zzzzzzzz_1_test_otherrun_p1' };
    try {
      // A run of this very process (so alive), with one ready pooled schema holding a row.
      await sql`insert into runtag.runs (run_id, run_key, host, host_identity, pid, isolation)
                values (${other.runId}, ${other.key}, 'here', ${hostIdentity()}, ${process.pid}, 'schema')`;
      await sql
        .unsafe(`create schema ${other.schema}; create table ${other.schema}.keep (id int primary key); insert into ${other.schema}.keep values (1);`)
        .simple();
      await sql`insert into runtag.scopes (run_id, scope, label, role_name, schema_name, scope_no, pool_state, search_path)
                values (${other.runId}, 'pool:1', '(schema pool)', ${other.schema}, ${other.schema}, 1, 'ready', ${[other.schema]})`;

      const { schemas } = runPoolSuite('3');
      expect(schemas.map((s) => s.name)).not.toContain(other.schema);
      const [kept] = await sql`select (select count(*)::int from ${sql(other.schema)}.keep) as rows,
                                      (select pool_state from runtag.scopes where run_id = ${other.runId}) as state`;
      expect(kept).toEqual({ rows: 1, state: 'ready' });
    } finally {
      await sql.unsafe(`drop schema if exists ${other.schema} cascade`);
      await sql`delete from runtag.runs where run_id = ${other.runId}`;
      await sql.end();
    }
  }, 120_000);

  it('RUNTAG_SCHEMA_POOL=0 turns it off: every file builds its own schema', () => {
    const { summary, schemas } = runPoolSuite('0');
    expect(schemas.map((s) => s.from)).toEqual(Array(6).fill('built'));
    expect(summary.schemasFromPool).toBe(0);
  }, 120_000);

  it('a bad pool size fails the run before any test, naming the setting', () => {
    const run = runFixtureSuite(inject('runtag').databaseUrl, FILES.slice(0, 1), { RUNTAG_SCHEMA_POOL: 'lots' });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/schema pool size must be a whole number ≥ 0 \(0 turns it off\), got "lots" \(from RUNTAG_SCHEMA_POOL/);
  }, 60_000);
});
