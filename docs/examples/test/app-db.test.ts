// test/app-db.test.ts: code that uses the app's own client reaches the file's schema
import { eq } from 'drizzle-orm';
import { db as appDb } from '../src/db/client.js';
import { users } from '../src/db/schema.js';
import { expect, test } from './runtag.js';

test("the app's db sees the rows the factories made", async ({ users: userRows }) => {
  const ada = await userRows.create();
  // DATABASE_URL held the file's own URL when src/db/client.ts was imported.
  const [found] = await appDb.select().from(users).where(eq(users.id, ada.id));
  expect(found?.email).toBe(ada.email);
});
