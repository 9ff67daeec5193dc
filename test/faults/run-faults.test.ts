/**
 * Fault injection against a real server: runs are killed, their connections terminated, and other
 * runs sweep while they go. Each scenario ends with nothing of the faulty run left after the next
 * run's automatic sweep, other data byte-for-byte unchanged, and live runs untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/connect.js';
import { startDatabase, type DatabaseServer } from '../../src/db/server.js';
import { runChild, startChildRun, type ChildRunHandle, type FinishedChild } from '../support/child-run.js';
import { leftoversOf, NOTHING_LEFT, type RunRef } from '../support/leftovers.js';
import { closeFaultServer, type FaultServer, openFaultServer, registeredRunOf } from '../support/fault-server.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

const HOLD = ['test/fixtures/faults/hold-a.fixture.ts', 'test/fixtures/faults/hold-b.fixture.ts'];
const CLEAN = ['test/fixtures/leaks/clean.fixture.ts'];

let server: DatabaseServer;
let db: ScratchDatabase;
let sql: Sql;
let checksum: () => Promise<string>;
let original: string;
let fault: FaultServer | undefined;

beforeAll(async () => {
  fault = await openFaultServer('faults');
  ({ server, db, sql, checksum, original } = fault);
}, 60_000);

afterAll(() => closeFaultServer(fault ?? {}));

const runIdOf = (child: ChildRunHandle): Promise<RunRef> => registeredRunOf(sql, child);

/** A child run of the hold fixtures, held mid-test while `body` strikes; always disposed. */
async function withHeldRun(env: Record<string, string>, body: (child: ChildRunHandle, run: RunRef) => Promise<void>): Promise<void> {
  const child = startChildRun(db.url, HOLD, env);
  try {
    await child.waitUntilHeld(2);
    await body(child, await runIdOf(child));
  } finally {
    child.dispose();
  }
}

/** Nothing of `run` is left in the database, and the data that is not runtag's is unchanged. */
async function expectNothingLeftOf(run: RunRef): Promise<void> {
  expect(await leftoversOf(sql, [run])).toEqual(NOTHING_LEFT);
  expect(await checksum()).toBe(original);
}

/** A clean run after the fault: its automatic sweep must remove what the faulty run left. */
async function nextRunSweeps(isolation: 'schema' | 'shared'): Promise<string> {
  const next = startChildRun(db.url, CLEAN, { RUNTAG_ISOLATION: isolation });
  const result = await next.done;
  next.dispose();
  expect(result.code, result.output).toBe(0);
  return result.output;
}

function runtagSweep(): FinishedChild {
  return runChild('runtag', ['sweep'], { env: { DATABASE_URL: db.url } });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each(['schema', 'shared'] as const)('%s isolation', (isolation) => {
  it('SIGKILL of a worker mid-file: the run reports it, and nothing of it is left', async () => {
    await withHeldRun({ RUNTAG_ISOLATION: isolation }, async (child, run) => {
      const [victim] = child.held();
      process.kill(victim!.pid, 'SIGKILL');
      child.release();
      const result = await child.done;
      expect(result.code, result.output).not.toBe(0);
      expect(result.output).not.toMatch(/no leaks\./);
      await nextRunSweeps(isolation);
      await expectNothingLeftOf(run);
    });
  });

  it('SIGKILL of the Vitest main process: the next run sweeps what it left', async () => {
    await withHeldRun({ RUNTAG_ISOLATION: isolation }, async (child, run) => {
      const workers = child.held().map((h) => h.pid);
      if (isolation === 'schema') {
        // Its schema pool holds ready schemas no file claimed: they must go with the sweep too.
        const ready = async () =>
          (await sql<{ n: number }[]>`select count(*)::int as n from runtag.scopes where run_id = ${run.runId} and pool_state = 'ready'`)[0]!.n;
        await expect.poll(ready, { timeout: 10_000 }).toBeGreaterThan(0);
      }
      process.kill(child.pid, 'SIGKILL');
      await child.done;
      // Orphaned workers still hold connections: the run counts as alive until they are gone.
      await expect.poll(() => workers.filter(alive).length, { timeout: 70_000, interval: 200 }).toBe(0);
      expect((await leftoversOf(sql, [run])).registeredRuns).toEqual([run.runId]);
      const swept = await nextRunSweeps(isolation);
      expect(swept).toContain(`dead run ${run.runId}`);
      await expectNothingLeftOf(run);
    });
  });

  it('all its connections terminated mid-test: the run survives, and a sweep in between leaves it alone', async () => {
    await withHeldRun({ RUNTAG_ISOLATION: isolation, FAULT_EXPECT_INTACT: '1' }, async (child, run) => {
      const [killed] = await sql<{ n: number }[]>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where starts_with(application_name, ${`runtag:${run.runId}`})`;
      expect(killed!.n).toBeGreaterThanOrEqual(3);
      const sweep = runtagSweep();
      expect(sweep.status, sweep.stderr).toBe(0);
      expect(sweep.stdout).toMatch(new RegExp(`live run ${run.runId} .*\\(pid ${child.pid}\\)`));
      expect(sweep.stdout).not.toContain(`dead run ${run.runId}`);
      child.release();
      const result = await child.done;
      expect(result.code, result.output).toBe(0);
      await expectNothingLeftOf(run);
    });
  });

  it('connections terminated again and again while the run cleans up: an honest report, nothing left after the next sweep', async () => {
    await withHeldRun({ RUNTAG_ISOLATION: isolation }, async (child, run) => {
      child.release();
      let terminating = true;
      const storm = (async () => {
        while (terminating) {
          await sql`select pg_terminate_backend(pid) from pg_stat_activity
                    where starts_with(application_name, ${`runtag:${run.runId}`}) and application_name not like '%:alive'`;
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      const result = await child.done;
      terminating = false;
      await storm;
      // Passing is fine; failing must say why, and must not claim a clean run.
      if (result.code !== 0) expect(result.output).not.toMatch(/no leaks\./);
      await nextRunSweeps(isolation);
      await expectNothingLeftOf(run);
    });
  });
});

it('two runs at once with a third process sweeping in between: both pass, nothing touched', async () => {
  const first = startChildRun(db.url, HOLD, { FAULT_EXPECT_INTACT: '1' });
  const second = startChildRun(db.url, HOLD, { RUNTAG_ISOLATION: 'shared', FAULT_EXPECT_INTACT: '1' });
  try {
    await first.waitUntilHeld(2);
    await second.waitUntilHeld(2);
    const runs = [await runIdOf(first), await runIdOf(second)];
    const sweep = runtagSweep();
    expect(sweep.status, sweep.stderr).toBe(0);
    for (const run of runs) expect(sweep.stdout).toContain(`live run ${run.runId}`);
    expect(sweep.stdout).toMatch(/0 dead run\(s\)/);
    first.release();
    second.release();
    const results = await Promise.all([first.done, second.done]);
    for (const result of results) expect(result.code, result.output).toBe(0);
    expect(await leftoversOf(sql, runs)).toEqual(NOTHING_LEFT);
    expect(await checksum()).toBe(original);
  } finally {
    first.dispose();
    second.dispose();
  }
});

it('a server restart mid-run: the run rides it out or says why, and nothing of it is left', async () => {
  await withHeldRun({ RUNTAG_ISOLATION: 'shared' }, async (child, run) => {
    await server.restart!();
    child.release();
    const result = await child.done;
    if (result.code !== 0) expect(result.output).not.toMatch(/no leaks\./);
    // The run was never judged dead: its registry record went with its clean end, not with a sweep.
    expect(result.output).not.toMatch(/swept as dead/);
    await nextRunSweeps('shared');
    await expectNothingLeftOf(run);
  });
});

describe('two runs at once on a server with max_connections = 30', () => {
  let small: DatabaseServer;
  let smallDb: ScratchDatabase;
  beforeAll(async () => {
    small = await startDatabase({ label: `faults-small-${process.pid}`, settings: { max_connections: '30' } });
    smallDb = await createScratchDatabase(small.url, 'small');
  }, 60_000);
  afterAll(async () => {
    await smallDb?.drop();
    await small?.stop();
  });

  it('a run the server could never serve fails before any test, naming the limit, never with a raw "too many clients"', async () => {
    const child = startChildRun(smallDb.url, CLEAN, {}, ['--maxWorkers', '8']);
    const result = await child.done;
    child.dispose();
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/the server allows 30 connections .* too few for 8 worker\(s\)/s);
    expect(result.output).not.toMatch(/too many clients/);
  });

  it('the second run waits for the first to free its connections, then both pass', async () => {
    const first = startChildRun(smallDb.url, HOLD, {}, ['--maxWorkers', '4']);
    try {
      await first.waitUntilHeld(2);
      const second = startChildRun(smallDb.url, CLEAN, {}, ['--maxWorkers', '4']);
      // It cannot fit beside the first: it is still waiting, not failing, a moment later.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(second.output()).not.toMatch(/✓|passed/);
      first.release();
      const [a, b] = await Promise.all([first.done, second.done]);
      second.dispose();
      expect(a.code, a.output).toBe(0);
      expect(b.code, b.output).toBe(0);
      expect(`${a.output}${b.output}`).not.toMatch(/too many clients/);
    } finally {
      first.dispose();
    }
  });
});
