// test/app-db.test.ts, in isolation "transaction": the app's own db, rolled back with each test
import { eq } from 'drizzle-orm';
import { db as appDb } from '../src/db/client.js'; // drizzle(process.env.DATABASE_URL!): the file's sandbox
import { users } from '../src/db/schema.js';
import { expect, test } from '../test/runtag.js';

// Code under test as the app has it: its own module-level db, its own transaction.
async function signUp(email: string) {
  return appDb.transaction(async (tx) => {
    const [user] = await tx.insert(users).values({ role: 'PARENT', email, clerkId: email, firstName: 'Ada', lastName: 'L' }).returning();
    return user!;
  });
}

test("the app's writes are the test's: the fixtures see them, the rollback undoes them", async ({ db }) => {
  const ada = await signUp('ada@example.test'); // its COMMIT releases a savepoint of the test's transaction
  const [found] = await db.select().from(users).where(eq(users.id, ada.id));
  expect(found?.email).toBe('ada@example.test');
  // A failed transaction of the app's loses only its own work: the test goes on.
  await expect(signUp('ada@example.test')).rejects.toThrow(); // the email is taken
  expect(await db.$count(users)).toBe(1);
});

test('the next test starts as beforeAll left the file: without Ada', async ({ db }) => {
  expect(await db.$count(users)).toBe(0);
  expect(await appDb.$count(users)).toBe(0);
});
