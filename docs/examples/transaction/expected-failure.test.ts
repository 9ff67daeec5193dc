// test/expected-failure.test.ts, in isolation "transaction"
import { users } from '../src/db/schema.js';
import { expect, test } from '../test/runtag.js';

test('a statement expected to fail loses only itself', async ({ db, users: userRows }) => {
  const ada = await userRows.create();
  const duplicate = { role: 'PARENT' as const, email: ada.email, clerkId: 'another', firstName: 'A', lastName: 'L' };
  // Each statement outside a transaction of the test's own runs in a savepoint: its error undoes only it, as autocommit would.
  await expect(db.insert(users).values(duplicate)).rejects.toThrow();
  expect(await db.$count(users)).toBe(1); // the test's transaction goes on
});
