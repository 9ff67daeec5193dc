import { eq } from 'drizzle-orm';
import { users as usersTable } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';

test('admins are counted apart from parents and instructors', async ({ users, db }) => {
  await users.createAdmin({ email: 'ops@example.com' });
  await users.createParents(3);
  await users.createInstructor();
  // This file has its own schema: the count is exact, whatever other files do meanwhile.
  expect(await db.select().from(usersTable).where(eq(usersTable.role, 'ADMIN'))).toHaveLength(1);
  expect(await db.select().from(usersTable)).toHaveLength(5);
});
