// test/expected-failure.test.ts, in isolation "transaction"
import { users } from '../src/db/schema.js';
import { expect, test } from '../test/runtag.js';

test('a statement expected to fail goes in db.transaction (a savepoint)', async ({ db, users: userRows }) => {
  const ada = await userRows.create();
  const duplicate = { role: 'PARENT' as const, email: ada.email, clerkId: 'another', firstName: 'A', lastName: 'L' };
  // Outside a savepoint the failure would abort the test's transaction, and the next statement with it.
  await expect(db.transaction((tx) => tx.insert(users).values(duplicate))).rejects.toThrow();
  expect(await db.$count(users)).toBe(1); // the test's transaction goes on
});
