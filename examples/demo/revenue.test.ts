import { eq, sql } from 'drizzle-orm';
import { bookings as bookingsTable } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';

test('revenue per instructor ignores cancelled bookings', async ({ users, bookings, db }) => {
  const instructor = await users.createInstructor();
  const at = (hour: number) => new Date(Date.UTC(2027, 4, 3, hour));
  await bookings.createBooking({ instructorId: instructor.id, amount: '50.00', scheduledAt: at(9) });
  await bookings.createBooking({ instructorId: instructor.id, amount: '70.00', scheduledAt: at(10) });
  await bookings.createBooking({ instructorId: instructor.id, amount: '99.00', scheduledAt: at(11), status: 'CANCELLED' });
  const [row] = await db
    .select({ revenue: sql<string>`sum(${bookingsTable.amount})` })
    .from(bookingsTable)
    .where(sql`${bookingsTable.instructorId} = ${instructor.id} and ${bookingsTable.status} <> 'CANCELLED'`);
  expect(row!.revenue).toBe('120.00');
  expect(await db.select().from(bookingsTable).where(eq(bookingsTable.instructorId, instructor.id))).toHaveLength(3);
});
