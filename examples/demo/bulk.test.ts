import { sql } from 'drizzle-orm';
import { bookings as bookingsTable } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';

test('500 complete booking scenarios in five inserts', async ({ bookings, db }) => {
  const scenarios = await bookings.createBookingScenarios(500);
  expect(new Set(scenarios.map((s) => s.parent.email)).size).toBe(500);
  const [{ count }] = (await db.select({ count: sql<number>`count(*)::int` }).from(bookingsTable)) as [{ count: number }];
  expect(count).toBe(500);
});
