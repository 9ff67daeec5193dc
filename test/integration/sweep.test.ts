import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, quoteIdent, type Sql } from '../../src/db/connect.js';
import { migrateSchema, loadMigrations } from '../../src/isolation/migrations.js';
import { runSchemaPrefix } from '../../src/isolation/schema-names.js';
import { sweepDeadRuns } from '../../src/leaks/sweep.js';
import { createRunId, runApplicationName, type RunId } from '../../src/run/run-id.js';
import { Tagger } from '../../src/run/tag.js';
import { currentRuntime } from '../../src/vitest/setup.js';

const PROBE = `sweep_probe_${Math.random().toString(36).slice(2, 8)}`;
const hourAgo = new Date(Date.now() - 60 * 60_000);
const dead = createRunId({ now: hourAgo });
const live = createRunId({ now: hourAgo });
const young = createRunId();
const schemaOf = (runId: RunId) => `${runSchemaPrefix(runId)}aaaaaa`;

let sql: Sql;
let liveConnection: Sql;

async function leaveBehind(runId: RunId): Promise<void> {
  await sql.unsafe(`create schema ${quoteIdent(schemaOf(runId))}`);
  const tag = new Tagger(runId, 'aaaaaa');
  const [user] = await sql.unsafe(
    `insert into ${quoteIdent(PROBE)}.users (role, email, clerk_id, first_name, last_name) values ('PARENT', $1, $2, 'L', 'B') returning id`,
    [tag.email('left'), tag.next()],
  );
  await sql.unsafe(`insert into ${quoteIdent(PROBE)}.children (parent_id, name, birth_date) values ($1, 'kid', '2019-01-01')`, [user!.id]);
}

const schemasPresent = async (names: string[]) =>
  (await sql<{ n: string }[]>`select nspname as n from pg_namespace where nspname in ${sql(names)}`).map((r) => r.n).sort();
const rowsOf = async (runId: RunId) =>
  (await sql.unsafe(`select count(*)::int as n from ${quoteIdent(PROBE)}.users where email like $1`, [`${runId}-%`]))[0]!.n as number;

beforeAll(async () => {
  sql = connect(inject('runtag').databaseUrl, { max: 2 });
  await migrateSchema(sql, PROBE, loadMigrations(inject('runtag').migrationsFolder));
  // A run that is still going: it holds a connection, as every run does.
  liveConnection = connect(inject('runtag').databaseUrl, { max: 1, applicationName: runApplicationName(live, 'alive'), idleTimeout: 0 });
  await liveConnection`select 1`;
  for (const runId of [dead, live, young]) await leaveBehind(runId);
  await sql.unsafe('create schema if not exists "rt_not_a_run"');
});

afterAll(async () => {
  for (const name of [PROBE, schemaOf(live), schemaOf(young), 'rt_not_a_run']) await sql.unsafe(`drop schema if exists ${quoteIdent(name)} cascade`);
  await liveConnection.end();
  await sql.end();
});

describe('runtag sweep', () => {
  const options = { sharedSchemas: [PROBE], graceMs: 10 * 60_000 };

  it('a dry run reports the dead run only and changes nothing', async () => {
    const report = await sweepDeadRuns(sql, { ...options, dryRun: true });
    expect(report.deadRuns).toContainEqual({ runId: dead, startedAt: hourAgo.toISOString(), schemas: [schemaOf(dead)], rows: 2 });
    expect(report.deadRuns.map((r) => r.runId)).not.toContain(live);
    expect(report.deadRuns.map((r) => r.runId)).not.toContain(young);
    expect(report.liveRuns).toEqual(expect.arrayContaining([live, inject('runtag').runId]));
    expect(await rowsOf(dead)).toBe(1);
    expect(await schemasPresent([schemaOf(dead)])).toEqual([schemaOf(dead)]);
  });

  it('removes the dead run\'s schemas and rows, and nothing of live, young or foreign ones', async () => {
    const report = await sweepDeadRuns(sql, { ...options, dryRun: false });
    expect(report.deadRuns).toContainEqual(expect.objectContaining({ runId: dead, rows: 2 }));
    expect(await schemasPresent([schemaOf(dead), schemaOf(live), schemaOf(young), 'rt_not_a_run', currentRuntime().testSchema.name])).toEqual(
      [schemaOf(live), schemaOf(young), 'rt_not_a_run', currentRuntime().testSchema.name].sort(),
    );
    expect(await rowsOf(dead)).toBe(0);
    expect(await rowsOf(live)).toBe(1);
    expect(await rowsOf(young)).toBe(1);
    const [{ kids }] = (await sql.unsafe(`select count(*)::int as kids from ${quoteIdent(PROBE)}.children`)) as unknown as [{ kids: number }];
    expect(kids).toBe(2); // the dead run's child went with its parent
  });

  it('refuses to run twice at once', async () => {
    const holder = await sql.reserve();
    await holder`select pg_advisory_lock(hashtext('runtag:sweep'))`;
    try {
      await expect(sweepDeadRuns(sql, { ...options, dryRun: true })).rejects.toThrow('another `runtag sweep` is running');
    } finally {
      await holder`select pg_advisory_unlock(hashtext('runtag:sweep'))`;
      holder.release();
    }
  });
});

describe('the runtag sweep command', () => {
  const cli = (env: Record<string, string | undefined>) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'DATABASE_URL'));
    return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/runtag.ts', 'sweep', '--dry-run', '--shared-schema', PROBE], {
      env: { ...base, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  it('reports without changing anything on --dry-run', () => {
    const run = cli({ DATABASE_URL: inject('runtag').databaseUrl });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^runtag sweep: \d+ live run\(s\) left alone; \d+ dead run\(s\)\./);
  });

  it('needs DATABASE_URL and says why', () => {
    const run = cli({});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('runtag sweep needs DATABASE_URL: an embedded PostgreSQL lives and dies with its run');
  });
});
