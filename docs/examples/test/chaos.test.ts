// test/chaos.test.ts
import { eq } from 'drizzle-orm';
import { delayStatements, holdLock, terminateConnections } from 'runtag/toolkit';
import { users } from '../src/db/schema.js';
import { expect, test } from './runtag.js';

test('an update waits for a row lock, then its connection dies', async ({ runtag, db, users: userRows }) => {
  const ada = await userRows.create();
  let update: Promise<string> | undefined;
  // SELECT … FOR UPDATE on a connection of its own, held while the callback runs.
  await holdLock(runtag, { table: users, rows: eq(users.id, ada.id) }, async (lock) => {
    update = db
      .update(users)
      .set({ firstName: 'Waited' })
      .where(eq(users.id, ada.id))
      .then(
        () => 'updated',
        () => 'failed',
      );
    await expect.poll(() => lock.waiters()).toBe(1); // the update waits for our lock
    await terminateConnections(runtag); // and now the file's own connections are ended
  });
  expect(await update).toBe('failed'); // its connection was ended while it waited
});

test('every statement on a table waits 300 ms', async ({ runtag, db }) => {
  const started = Date.now();
  await delayStatements(runtag, { tables: users, ms: 300 }, () => db.select().from(users));
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});
