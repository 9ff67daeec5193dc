import { eq, sql } from 'drizzle-orm';
import { users } from '../../schema/index.js';
import { connect } from '../../src/db/connect.js';
import { isConnectionLoss } from '../../src/db/connection-error.js';
import { expect, test } from '../../src/example/vitest.js';
import { runApplicationName } from '../../src/run/run-id.js';
import { delayStatements, holdLock, terminateConnections } from '../../src/toolkit/chaos.js';

/**
 * Application code under test: retries a statement when its connection drops. Twice, since
 * postgres.js may fail the first statement on a reconnected connection with the old error.
 */
async function withReconnect<T>(attempt: () => Promise<T>, onRetry: () => void): Promise<T> {
  for (let retries = 0; ; retries++) {
    try {
      return await attempt();
    } catch (error) {
      // Drizzle wraps the driver's error: the connection loss is its cause.
      if (!isConnectionLoss((error as Error).cause ?? error) || retries === 2) throw error;
      onRetry();
    }
  }
}

test('app code that retries survives its connection being terminated mid-statement', async ({ db, users: factory, runtag }) => {
  const user = await factory.createParent({ firstName: 'Before' });
  let retries = 0;
  let renaming!: Promise<PromiseSettledResult<unknown>>;
  // The lock keeps the app's UPDATE in flight, so the termination hits a statement, not an idle connection.
  await holdLock(runtag, { table: users, rows: eq(users.id, user.id) }, async (lock) => {
    // Settled, so a failure is reported by the assertion below rather than as an unhandled rejection.
    [renaming] = [
      Promise.allSettled([
        withReconnect(
          () => db.update(users).set({ firstName: 'After' }).where(eq(users.id, user.id)).returning(),
          () => retries++,
        ),
      ]).then(([outcome]) => outcome!),
    ];
    await expect.poll(() => lock.waiters()).toBe(1);
    expect(await terminateConnections(runtag)).toBeGreaterThanOrEqual(1);
    // The retry waits for the lock again; it is released when this callback returns.
  });
  expect(await renaming).toEqual({ status: 'fulfilled', value: [expect.objectContaining({ id: user.id, firstName: 'After' })] });
  expect(retries).toBeGreaterThanOrEqual(1);
});

test("terminateConnections ends this file's connections only, never another file's or another run's", async ({ db, runtag }) => {
  const runtime = runtag;
  const otherFile = connect(runtime.config.databaseUrl, { max: 1, applicationName: runApplicationName(runtime.config.runId, 'scope-other') });
  const otherRun = connect(runtime.config.databaseUrl, { max: 1, applicationName: 'runtag:mx0000aa-1-abcd-zzzzzzzz' });
  try {
    const pids = async (client: typeof otherFile) => (await client<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
    const [fileBefore, otherFileBefore, otherRunBefore] = await Promise.all([
      db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`),
      pids(otherFile),
      pids(otherRun),
    ]);
    expect(await terminateConnections(runtag)).toBeGreaterThanOrEqual(1);
    // The file's pool reconnects on its next statement, on a new backend.
    const [fileAfter] = await db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
    expect(fileAfter!.pid).not.toBe(fileBefore[0]!.pid);
    expect(await pids(otherFile)).toBe(otherFileBefore);
    expect(await pids(otherRun)).toBe(otherRunBefore);
  } finally {
    await Promise.all([otherFile.end({ timeout: 5 }), otherRun.end({ timeout: 5 })]);
  }
});

test('holdLock makes a concurrent update wait for the row lock, and lets it through when released', async ({ db, users: factory, runtag }) => {
  const user = await factory.createParent({ lastName: 'Locked' });
  let updating!: Promise<unknown>;
  await holdLock(runtag, { table: users, rows: eq(users.id, user.id) }, async (lock) => {
    expect(lock.rows).toBe(1);
    // With a lock_timeout the waiting update gives up, naming the lock: it really waited for ours.
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '100ms'`);
        await tx.update(users).set({ lastName: 'Timed out' }).where(eq(users.id, user.id));
      }),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '55P03' }) });
    updating = db.update(users).set({ lastName: 'Updated' }).where(eq(users.id, user.id)).execute();
    await expect.poll(() => lock.waiters()).toBe(1);
    const [waiting] = await db.execute<{ wait_event_type: string }>(
      sql`select wait_event_type from pg_stat_activity where ${lock.pid}::int = any(pg_blocking_pids(pid))`,
    );
    expect(waiting!.wait_event_type).toBe('Lock');
  });
  await updating;
  const [after] = await db.select().from(users).where(eq(users.id, user.id));
  expect(after!.lastName).toBe('Updated');
});

test('holdLock on a table blocks inserts into it for the length of the callback', async ({ db, users: factory, runtag }) => {
  let inserting!: Promise<unknown>;
  const result = await holdLock(runtag, { table: users, mode: 'share' }, async (lock) => {
    expect(lock.rows).toBeUndefined();
    inserting = factory.createParent();
    await expect.poll(() => lock.waiters()).toBe(1);
    return 'done';
  });
  expect(result).toBe('done');
  await expect(inserting).resolves.toMatchObject({ role: 'PARENT' });
  await expect(db.$count(users)).resolves.toBeGreaterThanOrEqual(1);
});

test('holdLock refuses a condition that matches no rows: it would lock nothing', async ({ runtag }) => {
  await expect(holdLock(runtag, { table: users, rows: eq(users.email, 'nobody@nowhere.test') }, async () => 1)).rejects.toThrow(
    /holdLock found no rows of "users" matching the condition/,
  );
});

test('delayStatements holds back statements on the table for the delay, then lets them run', async ({ db, users: factory, runtag }) => {
  const user = await factory.createParent();
  const started = performance.now();
  let finishedAt = 0;
  await delayStatements(runtag, { tables: users, ms: 300 }, async () => {
    // A read of the delayed table waits for the whole delay (a lower bound: it cannot be early, however fast the machine).
    await db.select().from(users).where(eq(users.id, user.id));
    finishedAt = performance.now();
  });
  expect(finishedAt - started).toBeGreaterThanOrEqual(290);
  // Other tables are not delayed.
  const [row] = await db.execute<{ one: number }>(sql`select 1 as one`);
  expect(row!.one).toBe(1);
});

test('lock targets are typed: a row mode needs rows, a table mode takes none', ({ runtag }) => {
  const misuses = () => [
    // @ts-expect-error "update" is a row lock strength: without rows there is nothing to lock FOR UPDATE.
    holdLock(runtag, { table: users, mode: 'update' }, async () => 1),
    // @ts-expect-error a table mode with rows: LOCK TABLE takes no condition.
    holdLock(runtag, { table: users, rows: eq(users.id, 'x'), mode: 'access exclusive' }, async () => 1),
  ];
  expect(misuses).toBeTypeOf('function');
});
