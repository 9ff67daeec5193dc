/**
 * The sandbox (isolation "transaction") on its ugly paths, with real processes against a real
 * server: its worker or the whole run SIGKILLed mid-test, its server connection terminated or the
 * server restarted mid-file, hostile clients. Each ends with nothing of the run left (schema, role,
 * registry row, connection), and what the test wrote never committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/connect.js';
import type { DatabaseServer } from '../../src/db/server.js';
import { startChildRun, type ChildRunHandle } from '../support/child-run.js';
import { leftoversOf, NOTHING_LEFT, type RunRef } from '../support/leftovers.js';
import { closeFaultServer, type FaultServer, openFaultServer, registeredRunOf } from '../support/fault-server.js';
import type { ScratchDatabase } from '../support/scratch-database.js';

const KILLED = ['test/fixtures/sandbox-faults/killed-a.fixture.ts', 'test/fixtures/sandbox-faults/killed-b.fixture.ts'];
const CLEAN = ['test/fixtures/leaks/clean.fixture.ts'];
const TRANSACTION = { RUNTAG_ISOLATION: 'transaction' };

let server: DatabaseServer;
let db: ScratchDatabase;
let sql: Sql;
let checksum: () => Promise<string>;
let original: string;
let fault: FaultServer | undefined;

beforeAll(async () => {
  fault = await openFaultServer('sbfaults');
  ({ server, db, sql, checksum, original } = fault);
}, 60_000);

afterAll(() => closeFaultServer(fault ?? {}));

const runIdOf = (child: ChildRunHandle): Promise<RunRef> => registeredRunOf(sql, child);

/** The server connections of a run (pg_stat_activity by its application_name), and how many are inside a transaction. */
async function backendsOf(run: RunRef): Promise<{ pid: number; app: string; state: string }[]> {
  return sql<{ pid: number; app: string; state: string }[]>`
    select pid, application_name as app, coalesce(state, '') as state from pg_stat_activity where starts_with(application_name, ${`runtag:${run.runId}:`})`;
}

/** The sandbox's server connection of a scope of `run` while its test runs: its file's connection that holds the test's transaction open. */
async function sandboxBackends(run: RunRef): Promise<number[]> {
  return (await backendsOf(run)).filter((b) => b.app.includes(':app-') && b.state === 'idle in transaction').map((b) => b.pid);
}

async function expectNothingLeftOf(run: RunRef): Promise<void> {
  expect(await leftoversOf(sql, [run])).toEqual(NOTHING_LEFT);
  expect(await backendsOf(run)).toEqual([]);
  expect(await checksum()).toBe(original);
}

async function nextRunSweeps(): Promise<string> {
  const next = startChildRun(db.url, CLEAN, TRANSACTION);
  const result = await next.done;
  next.dispose();
  expect(result.code, result.output).toBe(0);
  return result.output;
}

const FILE = 'test/fixtures/sandbox-faults/upstream.fixture.ts';
const SANDBOX_OF_FILE = `runtag sandbox: the server connection of "${FILE}"`;

/** The verdicts of the upstream fixture's run: its first test failed saying why, the two after it passed on a new server connection. */
function expectFirstTestFailedAndOthersPassed(output: string, why: RegExp): void {
  // The app's statement after the connection ended: 08006, naming the sandbox, the file and why.
  expect(output).toMatch(/code: '08006'/);
  expect(output).toContain(`${SANDBOX_OF_FILE} ended (`);
  expect(output).toMatch(why);
  // The test's end: the transaction is gone, and the test says so (not a hang, not a pass).
  expect(output).toMatch(
    /RuntagError: runtag sandbox: the server connection of .* ended during the test ".*the app writes, holds while the server connection ends/,
  );
  expect(output).toMatch(/× .*the app writes, holds while the server connection ends/);
  expect(output).toMatch(/✓ .*the next test runs on a new server connection/);
  expect(output).toMatch(/✓ .*and the one after it sees nothing/);
  expect(output).toMatch(/Tests +1 failed \| 2 passed \(3\)/);
}

describe.each(['postgres-js', 'pg'])("the sandbox's server connection ends mid-test (the app on %s)", (driver) => {
  it('terminated (pg_terminate_backend): the test fails naming the sandbox and the file, the next tests pass, nothing is left', async () => {
    const child = startChildRun(db.url, [FILE], { ...TRANSACTION, FAULT_APP_DRIVER: driver }, ['--reporter', 'verbose']);
    try {
      await child.waitUntilHeld(1);
      const run = await runIdOf(child);
      // The test's transaction is open on exactly one server connection: the file's sandbox's.
      const [upstream, ...more] = await sandboxBackends(run);
      expect(more, JSON.stringify(await backendsOf(run))).toEqual([]);
      await sql`select pg_terminate_backend(${upstream!})`;
      child.release();
      const result = await child.done;
      expect(result.code, result.output).not.toBe(0);
      expectFirstTestFailedAndOthersPassed(result.output, /57P01: terminating connection due to administrator command/);
      await expectNothingLeftOf(run);
    } finally {
      child.dispose();
    }
  });
});

it('a server restart mid-file: the running test fails saying why, the next tests pass on a new connection, nothing is left', async () => {
  const child = startChildRun(db.url, [FILE], TRANSACTION, ['--reporter', 'verbose']);
  try {
    await child.waitUntilHeld(1);
    const run = await runIdOf(child);
    expect(await sandboxBackends(run)).toHaveLength(1);
    await server.restart!();
    child.release();
    const result = await child.done;
    expect(result.code, result.output).not.toBe(0);
    // Shut down fast, the server terminates its backends (57P01) before it stops.
    expectFirstTestFailedAndOthersPassed(result.output, /the server (ended|closed) it/);
    expect(result.output).not.toMatch(/swept as dead/);
    await nextRunSweeps();
    await expectNothingLeftOf(run);
  } finally {
    child.dispose();
  }
});

describe('SIGKILL mid-test, the app having written in the test transaction', () => {
  it("of the file's worker: its server connections go, its write never commits, the run fails and leaves nothing", async () => {
    const child = startChildRun(db.url, KILLED, { ...TRANSACTION, FAULT_HOLD_FOREVER: '1' });
    try {
      await child.waitUntilHeld(2);
      const run = await runIdOf(child);
      const [victim, survivor] = child.held();
      expect(await sandboxBackends(run)).toHaveLength(2);
      // Held files are named by their tag scope: the scope's number in base 36.
      const [row] = await sql<{ schema: string }[]>`
        select schema_name as schema from runtag.scopes where run_id = ${run.runId} and scope_no = ${Number.parseInt(victim!.scope, 36)}`;
      const schema = row!.schema;
      process.kill(victim!.pid, 'SIGKILL');
      // The killed worker's sandbox connection goes with its process: the server rolled its transaction back.
      await expect.poll(async () => (await sandboxBackends(run)).length, { timeout: 20_000 }).toBe(1);
      // While the other file still holds (the run is alive), the killed file's schema has none of the app's rows.
      const [{ n }] = (await sql.unsafe(`select count(*)::int as n from "${schema}".users`)) as unknown as [{ n: number }];
      // (Not vacuous: the schema exists and holds the file's tables; only the app's row is missing.)
      expect(n).toBe(0);
      expect(survivor).toBeDefined();
      // The survivor never resolves its hold: it is killed too, as a runner stopping would.
      process.kill(survivor!.pid, 'SIGKILL');
      const result = await child.done;
      expect(result.code, result.output).not.toBe(0);
      expect(result.output).not.toMatch(/no leaks\./);
      await expect.poll(async () => (await backendsOf(run)).length, { timeout: 20_000 }).toBe(0);
      await nextRunSweeps();
      await expectNothingLeftOf(run);
    } finally {
      child.dispose();
    }
  });

  it('of the Vitest main process: its orphaned workers and their connections go, and the next run sweeps the rest', async () => {
    const child = startChildRun(db.url, KILLED, { ...TRANSACTION, FAULT_HOLD_FOREVER: '1' });
    try {
      await child.waitUntilHeld(2);
      const run = await runIdOf(child);
      const workers = child.held().map((h) => h.pid);
      expect(await sandboxBackends(run)).toHaveLength(2);
      process.kill(child.pid, 'SIGKILL');
      await child.done;
      await expect.poll(() => workers.filter(alive).length, { timeout: 70_000, interval: 200 }).toBe(0);
      await expect.poll(async () => (await backendsOf(run)).length, { timeout: 20_000 }).toBe(0);
      expect((await leftoversOf(sql, [run])).registeredRuns).toEqual([run.runId]);
      expect(await nextRunSweeps()).toContain(`dead run ${run.runId}`);
      await expectNothingLeftOf(run);
    } finally {
      child.dispose();
    }
  });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("hostile clients of a file's sandbox (garbage, the wrong user, 50 connections cut mid-statement) end only themselves; the run passes and leaves nothing", async () => {
  const child = startChildRun(db.url, ['test/fixtures/sandbox-faults/hostile.fixture.ts'], TRANSACTION, ['--reporter', 'verbose']);
  try {
    const result = await child.done;
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests +2 passed \(2\)/);
    expect(result.output).not.toMatch(/Unhandled|SANDBOX_INTERNAL|08006/);
    const runId = result.output.match(/runtag: run (\S+) \(transaction\)/)?.[1];
    expect(runId, result.output).toBeDefined();
    await expectNothingLeftOf({ runId: runId!, runKey: '' });
  } finally {
    child.dispose();
  }
});
