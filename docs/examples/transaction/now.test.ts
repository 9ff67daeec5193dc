// test/now.test.ts, in isolation "transaction"
import { sql } from 'drizzle-orm';
import { expect, test } from '../test/runtag.js';

test("now() is the test transaction's start", async ({ db, users }) => {
  const first = await users.create();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const second = await users.create();
  expect(second.createdAt).toEqual(first.createdAt); // defaultNow(): the same instant

  // clock_timestamp() is the wall clock, where order matters.
  const [row] = await db.execute<{ later: boolean }>(sql`select clock_timestamp() > now() as later`);
  expect(row!.later).toBe(true);
});
