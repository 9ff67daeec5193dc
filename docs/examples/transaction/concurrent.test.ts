// test/concurrent.test.ts, in isolation "transaction"
import { users } from '../src/db/schema.js';
import { userFactory } from '../test/factories.js';
import { expect, test } from '../test/runtag.js';

// Run at the same time in one worker, each in its own transaction on its own connection.
test.concurrent('A sees its 3 users', async ({ db }) => {
  await userFactory.createList(3); // no session given: the running test's, even under test.concurrent
  expect(await db.$count(users)).toBe(3);
});

test.concurrent('B sees its 5 users', async ({ db, users: userRows }) => {
  await userRows.createList(5);
  expect(await db.$count(users)).toBe(5);
});

test('every test starts empty', async ({ db }) => {
  expect(await db.$count(users)).toBe(0);
});
