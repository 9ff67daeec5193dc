/**
 * driver 'pg' in isolation "transaction": the db fixture on node-postgres connects through the
 * sandbox, so its writes (and its own transactions) join the test's transaction and are rolled
 * back with it. Before the sandbox, runtag refused it: a node-postgres pool cannot join a
 * transaction on another connection.
 */
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import * as schema from '../../schema/index.js';
import { users } from '../../schema/index.js';
import { createRuntagTest } from '../../src/vitest/runtag-test.js';

const test = createRuntagTest({ schema, driver: 'pg' });

const parent = (email: string) => ({ role: 'PARENT' as const, email, clerkId: email, firstName: 'Pat', lastName: 'Green' });

test('the first test writes through node-postgres, in and out of its own transactions', async ({ db }) => {
  await db.insert(users).values(parent('one@example.com'));
  await db.transaction(async (tx) => {
    await tx.insert(users).values(parent('two@example.com'));
  });
  await db
    .transaction(async (tx) => {
      await tx.insert(users).values(parent('gone@example.com'));
      tx.rollback();
    })
    .catch(() => {});
  expect((await db.select({ email: users.email }).from(users).orderBy(users.email)).map((u) => u.email)).toEqual(['one@example.com', 'two@example.com']);
});

test("the next test sees none of it: node-postgres joined the first one's transaction", async ({ db, runtag }) => {
  expect(await db.$count(users)).toBe(0);
  expect(await runtag.testSchema.db.$count(users)).toBe(0);
});

test.concurrent('two concurrent tests on node-postgres each see only their own rows (A)', async ({ db }) => {
  await db.insert(users).values(parent('a@example.com'));
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(await db.$count(users)).toBe(1);
  expect(await db.$count(users, eq(users.email, 'a@example.com'))).toBe(1);
});

test.concurrent('two concurrent tests on node-postgres each see only their own rows (B)', async ({ db }) => {
  await db.insert(users).values([parent('b1@example.com'), parent('b2@example.com')]);
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await db.$count(users)).toBe(2);
});
