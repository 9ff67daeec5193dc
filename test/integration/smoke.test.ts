import { test, expect } from '../../src/example/vitest.js';
import { users as usersTable } from '../../schema/index.js';

test('creates a booking scenario in its own schema', async ({ bookings, db }) => {
  const s = await bookings.createBookingScenario();
  expect(s.booking.parentId).toBe(s.parent.id);
  expect(s.child.parentId).toBe(s.parent.id);
  const rows = await db.select().from(usersTable);
  expect(rows).toHaveLength(2);
});
