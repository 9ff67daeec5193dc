import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../src/db/connect.js';
import { ADMIN_CONNECTIONS_PER_WORKER, registerRunWithLease, RUN_CONNECTIONS } from '../../src/registry/connection-lease.js';
import { startHeartbeat } from '../../src/registry/heartbeat.js';
import { hostIdentity } from '../../src/util/host-identity.js';
import { registeredRuns } from '../../src/registry/liveness.js';
import { ensureRegistry } from '../../src/registry/registry-schema.js';
import { closeRunRecord } from '../../src/registry/run-records.js';
import { sweepDeadRuns } from '../../src/registry/sweep.js';
import { createRunId, runApplicationName, type RunId } from '../../src/run/run-id.js';
import { Tagger } from '../../src/run/tag.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

let db: ScratchDatabase;
let sql: Sql;
const HERE = hostIdentity();
/** A pid that certainly existed on this machine and is gone now. */
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;

async function register(runId: RunId, options: { pid?: number; host?: string; heartbeatAgoS?: number; connections?: number; shared?: boolean } = {}) {
  await sql.unsafe(
    `insert into runtag.runs (run_id, run_key, host, host_identity, pid, isolation, shared_schema, heartbeat_at, connections)
     values ($1, $1, 'test-host', $2, $3, $4, $5, now() - make_interval(secs => $6), $7)`,
    [
      runId,
      options.host ?? HERE,
      options.pid ?? process.pid,
      options.shared ? 'shared' : 'schema',
      options.shared ? 'app' : null,
      options.heartbeatAgoS ?? 0,
      options.connections ?? 0,
    ],
  );
}

async function insertUser(email: string): Promise<string> {
  const [user] = await sql.unsafe(`insert into app.users (email, handle) values ($1, $2) returning id`, [email, email.slice(0, 32)]);
  await sql.unsafe(`insert into app.children (parent_id, name) values ($1, 'kid')`, [user!.id]);
  return user!.id as string;
}

const count = async (query: string, params: unknown[] = []) => Number((await sql.unsafe(query, params as never[]))[0]!.n);
const registered = async () => (await sql.unsafe(`select run_id from runtag.runs order by run_id`)).map((r) => r.run_id as string);

beforeAll(async () => {
  db = await createScratchDatabase(inject('runtag').databaseUrl, 'registry');
  sql = db.sql;
  await ensureRegistry(sql);
  // Not the booking schema: a table of the user's own, with a short unique column.
  await sql
    .unsafe(`
    create schema app;
    create table app.users (id uuid primary key default gen_random_uuid(), email text not null, handle varchar(32) not null unique);
    create unique index users_email_uq on app.users (email text_pattern_ops);
    create table app.children (id int generated always as identity primary key, parent_id uuid not null references app.users, name text not null);
  `)
    .simple();
});

afterAll(async () => {
  await db.drop();
});

describe('sweep decides from the registry, never from the shape of a value', () => {
  it('leaves a real row whose value looks like a run tag, even from an old, connectionless "run"', async () => {
    const lookalike = 'abcdefgh-1-abcd-abcdefgh-jane@corp.com';
    await insertUser(lookalike);
    const report = await sweepDeadRuns(sql, { dryRun: false, ifLocked: 'fail' });
    expect(report.deadRuns).toEqual([]);
    expect(await count(`select count(*) as n from app.users where email = $1`, [lookalike])).toBe(1);
    expect(await count(`select count(*) as n from app.children c join app.users u on u.id = c.parent_id where u.email = $1`, [lookalike])).toBe(1);
  });

  it("removes a provably dead run (its scope role's objects, its tagged rows) and nothing of live runs", async () => {
    const dead = createRunId();
    const stale = createRunId();
    const liveByPid = createRunId();
    const liveByConnection = createRunId();
    const liveByHeartbeat = createRunId();
    await register(dead, { pid: deadPid, shared: true });
    await register(stale, { host: 'elsewhere', heartbeatAgoS: 600 });
    await register(liveByPid, { heartbeatAgoS: 600, shared: true });
    await register(liveByConnection, { host: 'elsewhere', heartbeatAgoS: 600, shared: true });
    await register(liveByHeartbeat, { host: 'elsewhere', pid: deadPid, heartbeatAgoS: 5, shared: true });
    const holder = connect(db.url, { max: 1, applicationName: runApplicationName(liveByConnection, 'alive'), idleTimeout: 0 });
    await holder`select 1`;
    try {
      // The dead run's file: a role owning a schema with a table, as TestSchema creates it.
      const role = `rt_${dead.replaceAll('-', '_')}_aaaaaa`;
      await sql
        .unsafe(`create role "${role}"; create schema "${role}" authorization "${role}"; set role "${role}"; create table "${role}".t (id int); reset role`)
        .simple();
      await sql.unsafe(
        `insert into runtag.scopes (run_id, scope, label, role_name, schema_name, scope_no) values ($1, 'aaaaaa', 'test/a.test.ts', $2, $2, 1)`,
        [dead, role],
      );
      for (const runId of [dead, liveByPid, liveByConnection, liveByHeartbeat]) await insertUser(new Tagger(runId, 'aaaaaa').email('x'));

      const dry = await sweepDeadRuns(sql, { dryRun: true, ifLocked: 'fail' });
      expect(dry.deadRuns.map((r) => r.runId).sort()).toEqual([dead, stale].sort());
      expect(await count(`select count(*) as n from pg_namespace where nspname = $1`, [role])).toBe(1);

      const report = await sweepDeadRuns(sql, { dryRun: false, ifLocked: 'fail' });
      const swept = report.deadRuns.find((r) => r.runId === dead)!;
      expect(swept).toMatchObject({ scopes: 1, rows: 2, problems: [], reason: `process ${deadPid} is gone from this machine` });
      expect(report.deadRuns.find((r) => r.runId === stale)?.reason).toMatch(/no heartbeat for 60\d s and no connection open/);
      expect(report.liveRuns.map((r) => r.runId)).toEqual(expect.arrayContaining([liveByPid, liveByConnection, liveByHeartbeat]));

      expect(await count(`select count(*) as n from pg_namespace where nspname = $1`, [role])).toBe(0);
      expect(await count(`select count(*) as n from pg_roles where rolname = $1`, [role])).toBe(0);
      expect(await count(`select count(*) as n from app.users where email like $1`, [`${dead}-%`])).toBe(0);
      for (const runId of [liveByPid, liveByConnection, liveByHeartbeat]) {
        expect(await count(`select count(*) as n from app.users where email like $1`, [`${runId}-%`])).toBe(1);
      }
      expect(await registered()).toEqual(expect.arrayContaining([liveByPid, liveByConnection, liveByHeartbeat]));
      expect(await registered()).not.toContain(dead);
      expect(await registered()).not.toContain(stale);
    } finally {
      await holder.end();
      for (const runId of [liveByPid, liveByConnection, liveByHeartbeat]) await closeRunRecord(sql, runId, undefined);
    }
  });

  it('reports rt_ schemas no registered run owns, and leaves them', async () => {
    await sql.unsafe('create schema "rt_from_before_the_registry"');
    const report = await sweepDeadRuns(sql, { dryRun: false, ifLocked: 'fail' });
    expect(report.unregisteredSchemas).toContain('rt_from_before_the_registry');
    expect(await count(`select count(*) as n from pg_namespace where nspname = 'rt_from_before_the_registry'`)).toBe(1);
  });

  it('a second sweep while one holds the lock fails (CLI) or skips (run start)', async () => {
    const other = connect(db.url, { max: 1 });
    try {
      await other.begin(async (tx) => {
        await tx`select pg_advisory_lock(hashtext('runtag:sweep'))`;
        await expect(sweepDeadRuns(sql, { dryRun: true, ifLocked: 'fail' })).rejects.toThrow(/another sweep is running/);
        expect((await sweepDeadRuns(sql, { dryRun: true, ifLocked: 'skip' })).skipped).toBe(true);
        await tx`select pg_advisory_unlock(hashtext('runtag:sweep'))`;
      });
    } finally {
      await other.end();
    }
  });
});

describe('heartbeat', () => {
  it('comes back after its connection is terminated, so the run never looks dead', async () => {
    const runId = createRunId();
    await register(runId, { host: 'elsewhere', heartbeatAgoS: 0 });
    const heartbeat = startHeartbeat(db.url, runId, 200);
    try {
      await expect.poll(() => count(`select count(*) as n from pg_stat_activity where application_name = $1`, [runApplicationName(runId, 'alive')])).toBe(1);
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${runApplicationName(runId, 'alive')}`;
      await sql.unsafe(`update runtag.runs set heartbeat_at = now() - interval '10 minutes' where run_id = $1`, [runId]);
      await expect
        .poll(() => count(`select count(*) as n from pg_stat_activity where application_name = $1`, [runApplicationName(runId, 'alive')]), { timeout: 5_000 })
        .toBe(1);
      await expect.poll(async () => (await registeredRuns(sql)).find((r) => r.runId === runId)?.heartbeatAgeMs, { timeout: 5_000 }).toBeLessThan(1_000);
      expect(heartbeat.swept).toBe(false);
    } finally {
      await heartbeat.stop();
      await closeRunRecord(sql, runId, undefined);
    }
  });

  it('notices when the run was swept from the registry while it ran', async () => {
    const runId = createRunId();
    await register(runId);
    const heartbeat = startHeartbeat(db.url, runId, 100);
    try {
      await closeRunRecord(sql, runId, undefined);
      await expect.poll(() => heartbeat.swept, { timeout: 3_000 }).toBe(true);
    } finally {
      await heartbeat.stop();
    }
  });
});

describe('server-wide connection budget', () => {
  const registration = (runId: RunId, workers: number, waitMs: number, isolation: 'schema' | 'transaction' = 'schema') => ({
    runId,
    runKey: runId,
    host: 'test-host',
    hostIdentity: HERE,
    pid: process.pid,
    shard: undefined,
    isolation,
    sharedSchema: undefined,
    workers,
    waitMs,
  });

  it('leases what is left after other live runs, so two runs never both take the whole server', async () => {
    const first = createRunId();
    const second = createRunId();
    const a = await registerRunWithLease(sql, registration(first, 8, 0));
    const b = await registerRunWithLease(sql, registration(second, 8, 0));
    try {
      expect(b.leasedByRuns).toBeGreaterThanOrEqual(a.leased);
      const usable = a.maxConnections - a.superuserReserved - a.reserve;
      expect(a.leased + b.leased + a.others).toBeLessThanOrEqual(usable + RUN_CONNECTIONS);
      expect(b.perWorker).toBeLessThanOrEqual(a.perWorker);
    } finally {
      await closeRunRecord(sql, first, undefined);
      await closeRunRecord(sql, second, undefined);
    }
  });

  it('waits for a live run to free its lease, or fails naming the runs that hold the server', async () => {
    const hog = createRunId();
    await register(hog, { connections: 80 });
    try {
      const refused = registerRunWithLease(sql, registration(createRunId(), 4, 1_500));
      await expect(refused).rejects.toThrow(
        new RegExp(
          `80 leased by 1 other live runtag run.*other runs freed too few within the 2 s runtag waited.*run ${hog} on test-host \\(pid ${process.pid}`,
          's',
        ),
      );

      const waiting = registerRunWithLease(sql, registration(createRunId(), 4, 20_000));
      setTimeout(() => void closeRunRecord(sql, hog, undefined), 1_500);
      const started = Date.now();
      const lease = await waiting;
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(lease.perWorker).toBeGreaterThanOrEqual(1);
    } finally {
      await closeRunRecord(sql, hog, undefined);
    }
  });

  it('isolation "transaction": each worker\'s lease counts its sandbox\'s server connection beside its pool and admin connections', async () => {
    const schemaRun = createRunId();
    const a = await registerRunWithLease(sql, registration(schemaRun, 3, 0));
    await closeRunRecord(sql, schemaRun, undefined);
    const transactionRun = createRunId();
    const b = await registerRunWithLease(sql, registration(transactionRun, 3, 0, 'transaction'));
    await closeRunRecord(sql, transactionRun, undefined);
    expect(a.leased).toBe(3 * (a.perWorker + ADMIN_CONNECTIONS_PER_WORKER) + RUN_CONNECTIONS);
    expect(b.leased).toBe(3 * (b.perWorker + ADMIN_CONNECTIONS_PER_WORKER + 1) + RUN_CONNECTIONS);
  });

  it('fails at once when the server could not serve the run even alone', async () => {
    const started = Date.now();
    await expect(registerRunWithLease(sql, registration(createRunId(), 60, 30_000))).rejects.toThrow(/too few for 60 worker\(s\).*Run fewer workers/s);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
