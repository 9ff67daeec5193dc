import { eq } from 'drizzle-orm';
import { bookings as bookingsTable } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';

test('a booking scenario links parent, child and instructor', async ({ bookings }) => {
  const { parent, child, instructor, booking } = await bookings.createBookingScenario();
  expect(booking).toMatchObject({ parentId: parent.id, childId: child.id, instructorId: instructor.id, status: 'CONFIRMED' });
  expect(instructor.profile.userId).toBe(instructor.id);
});

test('cancelling a booking keeps it on record', async ({ bookings, db }) => {
  const { booking } = await bookings.createBookingScenario();
  await db.update(bookingsTable).set({ status: 'CANCELLED' }).where(eq(bookingsTable.id, booking.id));
  const [stored] = await db.select().from(bookingsTable).where(eq(bookingsTable.id, booking.id));
  expect(stored!.status).toBe('CANCELLED');
});
