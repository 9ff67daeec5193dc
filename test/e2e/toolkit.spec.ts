/**
 * The scope core in Playwright: factories with no session use the running test's (ambient, not
 * a module variable), and the toolkit's helpers take the worker's scope (the `runtag` fixture)
 * exactly as they take a Vitest file's.
 */
import { eq, sql } from 'drizzle-orm';
import { users } from '../../schema/index.js';
import { TestUserFactory } from '../../src/domain/test-user-factory.js';
import { userFactory } from '../../src/domain/factories.js';
import { expectQueries, holdLock, race } from '../../src/toolkit/index.js';
import { expect, test } from '../../src/example/playwright.js';

test("a factory given no session writes through the running test's, whose rows are deleted after the test", async ({ db, session }) => {
  const parent = await new TestUserFactory().createParent();
  expect(session.tracker.createdCount).toBe(1);
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, parent.id));
  expect(row?.id).toBe(parent.id);
});

test('expectQueries counts the statements sent through the worker scope', async ({ runtag, db, users: factory }) => {
  const parent = await factory.createParent();
  const found = await expectQueries(runtag, () => db.query.users.findFirst({ where: eq(users.id, parent.id) })).toBe(1);
  expect(found?.id).toBe(parent.id);
  await expect(
    expectQueries(runtag, async () => {
      await db.execute(sql`select 1`);
      await db.execute(sql`select 2`);
    }).toBeAtMost(1),
  ).rejects.toThrow(/at most 1 statement, but the callback sent 2/);
});

test('race runs attempts on connections of their own: one email, four sign-ups at once, one wins', async ({ runtag, tag }) => {
  const email = tag.email('racer');
  const result = await race(runtag, 4, ({ session }) => userFactory.withSession(session).create({ email }));
  expect(result.singleWinner('users_email_uq').email).toBe(email);
});

test('holdLock makes an update wait for the row lock', async ({ runtag, db, users: factory }) => {
  const parent = await factory.createParent();
  let update: Promise<unknown> | undefined;
  await holdLock(runtag, { table: users, rows: eq(users.id, parent.id) }, async (lock) => {
    update = db.update(users).set({ firstName: 'Waited' }).where(eq(users.id, parent.id)).execute();
    await expect.poll(() => lock.waiters()).toBe(1);
  });
  await update;
  const [row] = await db.select({ firstName: users.firstName }).from(users).where(eq(users.id, parent.id));
  expect(row?.firstName).toBe('Waited');
});
