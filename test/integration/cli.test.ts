/**
 * The CLI as a user runs it (a child process, DATABASE_URL, exit codes, --json), against a
 * database of its own on the run's server: runs, leaks, doctor, sweep, lint, and the summaries of
 * a sharded run merged by `runtag runs --group`.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { createScopeRole } from '../../src/ownership/scope-role.js';
import { hostIdentity } from '../../src/util/host-identity.js';
import { ensureRegistry } from '../../src/registry/registry-schema.js';
import { createRunId } from '../../src/run/run-id.js';
import { createRunKey } from '../../src/run/run-key.js';
import { runChild, runFixtureSuite } from '../support/child-run.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase(inject('runtag').databaseUrl, 'cli');
});
afterAll(async () => db?.drop());

function runtag(args: string[], env: Record<string, string | undefined> = {}): { status: number | null; stdout: string; stderr: string; json: () => any } {
  const run = runChild('runtag', args, { env: { DATABASE_URL: db.url, ...env } });
  return { ...run, json: () => JSON.parse(run.stdout.trim().split('\n').at(-1)!) };
}

describe('runtag CLI', () => {
  it('has --help for every command, documents exit codes, and exits 2 on a wrong option or without DATABASE_URL', () => {
    for (const command of ['runs', 'leaks', 'doctor', 'sweep', 'lint', 'demo']) {
      const help = runtag([command, '--help']);
      expect(help.status, command).toBe(0);
      expect(help.stdout, command).toMatch(/Exit codes: 0 /);
    }
    const wrong = runtag(['doctor', '--workers', 'many']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--workers must be a whole number ≥ 1, got "many"/);
    expect(runtag(['leaks', '--bogus']).status).toBe(2);
    const noUrl = runtag(['runs'], { DATABASE_URL: undefined });
    expect(noUrl.status).toBe(2);
    expect(noUrl.stderr).toMatch(/runtag runs needs DATABASE_URL/);
    // --json keeps its promise when the command fails: one JSON object on stdout.
    const noUrlJson = runtag(['doctor', '--json'], { DATABASE_URL: undefined });
    expect(noUrlJson.status).toBe(2);
    expect(noUrlJson.json()).toEqual({ error: expect.stringMatching(/runtag doctor needs DATABASE_URL/), code: 'CLI_USAGE', exitCode: 2 });
  }, 120_000);

  it('explains a dead run (schemas, rows), a lock wait, and sweeps only the dead run', async () => {
    await ensureRegistry(db.sql);
    expect(runtag(['doctor', '--json']).json().verdict).toMatch(/^OK: /);

    // A run of this machine whose process is gone, with a schema of its own role holding one row.
    const gone = spawnSync('true').pid;
    const runId = createRunId();
    const schema = `rt_${runId.replaceAll('-', '_')}_abc123`;
    await db.sql`insert into runtag.runs (run_id, run_key, host, host_identity, pid, isolation)
                 values (${runId}, ${createRunKey()}, ${hostname()}, ${hostIdentity()}, ${gone}, 'schema')`;
    await createScopeRole(db.sql, schema);
    // Created as the scope's role, as a file's migrations are: what the role owns is what a sweep may drop.
    await db.sql.begin(async (tx) => {
      await tx.unsafe(`create schema ${schema} authorization ${schema}`);
      await tx.unsafe(`set local role ${schema}`);
      await tx.unsafe(`create table ${schema}.notes (id int primary key)`);
      await tx.unsafe(`insert into ${schema}.notes values (1)`);
    });
    await db.sql`insert into runtag.scopes (run_id, scope, label, role_name, schema_name, scope_no) values (${runId}, 'abc123', 'test/notes.test.ts', ${schema}, ${schema}, 1)`;
    // Someone's schema that merely looks like runtag's, registered by no run.
    await db.sql.unsafe('create schema rt_not_registered').simple();

    const runs = runtag(['runs', '--json']);
    expect(runs.status).toBe(1);
    expect(runs.json().dead).toEqual([
      expect.objectContaining({
        runId,
        alive: false,
        schemas: [{ schema, label: 'test/notes.test.ts', pooled: false, rows: 1 }],
        connections: { leased: 0, open: 0 },
      }),
    ]);
    const leaks = runtag(['leaks']);
    expect(leaks.status).toBe(1);
    expect(leaks.stdout).toContain(`${schema}  test/notes.test.ts  1 row(s)`);
    expect(leaks.stdout).toContain('unregistered rt_not_registered');

    // A lock wait: one session holds a table lock in an open transaction, another waits for it.
    const holder = connect(db.url, { max: 1, applicationName: 'app:holder' });
    const waiter = connect(db.url, { max: 1, applicationName: 'app:waiter' });
    await db.sql.unsafe('create table public.accounts (id int)');
    let release!: () => void;
    const held = holder.begin(async (tx) => {
      await tx.unsafe('lock table public.accounts in access exclusive mode');
      await new Promise<void>((resolve) => (release = resolve));
    });
    await expect.poll(() => release !== undefined).toBe(true);
    const waiting = waiter.unsafe('select count(*) from public.accounts').execute();
    try {
      await expect.poll(async () => runtag(['doctor', '--json', '--workers', '2']).json().blockingLocks.length, { timeout: 60_000 }).toBe(1);
      const doctor = runtag(['doctor', '--workers', '2']);
      expect(doctor.status).toBe(1);
      expect(doctor.stdout).toMatch(/\(app:waiter\) waits [\d.]+ s for AccessShareLock on accounts, held by pid \d+ \(app:holder, idle in transaction\)/);
      expect(doctor.stdout).toMatch(/verdict +PROBLEM: 1 dead run\(s\) left schemas or rows: run `runtag sweep`/);
    } finally {
      release();
      await held;
      await waiting;
      await Promise.all([holder.end(), waiter.end()]);
    }

    const sweep = runtag(['sweep', '--json']);
    expect(sweep.status, sweep.stdout + sweep.stderr).toBe(0);
    expect(sweep.json().deadRuns).toEqual([expect.objectContaining({ runId, scopes: 1, problems: [] })]);
    const after = runtag(['leaks', '--json']);
    expect(after.json()).toEqual({ runs: [], unregisteredSchemas: ['rt_not_registered'] });
    const [kept] = await db.sql`select count(*)::int as n from pg_namespace where nspname = 'rt_not_registered'`;
    expect(kept!.n).toBe(1);
    await db.sql.unsafe('drop schema rt_not_registered; drop table public.accounts').simple();
  }, 180_000);

  it('merges the summaries of a sharded run (vitest --shard on two "machines") with runs --group', () => {
    const group = `pipeline-${Date.now().toString(36)}`;
    const files = [1, 2, 3, 4, 5, 6].map((n) => `test/fixtures/pool/pool-${n}.fixture.ts`);
    for (const shard of ['1/2', '2/2']) {
      const run = runFixtureSuite(db.url, files, { RUNTAG_CI_GROUP: group }, [`--shard=${shard}`]);
      expect(run.status, run.output).toBe(0);
    }
    const runs = runtag(['runs', '--json', '--group', group]);
    expect(runs.status, runs.stdout + runs.stderr).toBe(0);
    const { finished, merged } = runs.json();
    expect(finished).toHaveLength(2);
    expect(merged).toMatchObject({ runs: 2, shards: ['1/2', '2/2'], files: 6, leaks: [], problems: [] });
    // Other groups are not mixed in.
    expect(runtag(['runs', '--json', '--group', `${group}-other`]).json().finished).toEqual([]);
  }, 240_000);

  it('lint creates every factory and trait once, names the failing ones with the database error (or the check before it), and leaves nothing', async () => {
    const lint = runtag(['lint', 'test/fixtures/lint/factories.ts', '--json']);
    expect(lint.status, lint.stderr).toBe(1);
    const { results, failed } = lint.json();
    expect(failed).toBe(2);
    const failures = results.filter((r: { ok: boolean }) => !r.ok);
    expect(failures).toEqual([
      expect.objectContaining({ factory: 'orphanBookingFactory', trait: null, error: expect.stringMatching(/not-null constraint/) }),
      expect.objectContaining({
        factory: 'staleUserFactory',
        trait: 'retired',
        error: expect.stringMatching(
          /column "users.role" holds one of user_role's values \(PARENT, INSTRUCTOR, ADMIN\), but trait "retired" gives string "RETIRED"/,
        ),
      }),
    ]);
    expect(results.filter((r: { ok: boolean }) => r.ok).map((r: { factory: string; trait: string | null }) => `${r.factory}:${r.trait}`)).toEqual([
      'childFactory:null',
      'staleUserFactory:null',
      'staleUserFactory:ok',
      'userFactory:null',
      'userFactory:parent',
      'userFactory:instructor',
      'userFactory:admin',
    ]);
    const [left] = await db.sql`select (select count(*)::int from pg_namespace where starts_with(nspname, 'rt_')) as schemas,
                                       (select count(*)::int from runtag.runs) as runs`;
    expect(left).toEqual({ schemas: 0, runs: 0 });
    const text = runtag(['lint', 'test/fixtures/lint/factories.ts']);
    expect(text.stdout).toMatch(/FAIL staleUserFactory trait "retired"\n\s+runtag: staleUserFactory: column "users.role" holds one of user_role's values/);

    // Could not do the job (exit 2), saying why: a module that runs test code when imported; migrations the config names but that are not there.
    const setupModule = runtag(['lint', 'test/setup.ts']);
    expect(setupModule.status).toBe(2);
    expect(setupModule.stderr).toMatch(/test\/setup\.ts runs test code when imported .* Point lint at the module that defines your factories/);
    const fromConfig = runtag(['lint', 'test/fixtures/lint/factories.ts', '--config', 'test/fixtures/lint/vitest.config.ts']);
    expect(fromConfig.status).toBe(2);
    expect(fromConfig.stderr).toMatch(/cannot read migrations from ".*test\/fixtures\/lint\/migrations-from-config"/);
  }, 180_000);
});
