// A test file that leaks a row, run in isolation "shared": RUNTAG_ISOLATION=shared npx vitest run
import { users } from '../src/db/schema.js';
import { test } from '../test/runtag.js';

test('forgets a row', async ({ db, tag }) => {
  // Behind the factories' back: nothing tracks this row, so nothing deletes it.
  await db.insert(users).values({ role: 'PARENT', email: tag.email('forgotten'), clerkId: tag.next(), firstName: 'Lee', lastName: 'Bo' });
});
