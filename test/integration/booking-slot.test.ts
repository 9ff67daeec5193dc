import { and, eq } from 'drizzle-orm';
import { bookings } from '../../schema/index.js';
import { FactoryConstraintError } from '../../src/factory/constraint-error.js';
import { expect, test } from '../../src/example/vitest.js';

const slot = new Date('2026-12-01T10:00:00Z');

test('concurrent bookings of one instructor slot: exactly one wins', async ({ users, bookings: factory, db }) => {
  const instructor = await users.createInstructor();
  const families = await Promise.all(
    Array.from({ length: 6 }, async () => {
      const parent = await users.createParent();
      return { parent, child: await users.createChild(parent) };
    }),
  );

  const attempts = await Promise.allSettled(
    families.map(({ parent, child }) => factory.createBooking({ instructorId: instructor.id, parentId: parent.id, childId: child.id, scheduledAt: slot })),
  );

  expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
  const losers = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
  expect(losers).toHaveLength(5);
  for (const loser of losers) {
    expect(loser.reason).toBeInstanceOf(FactoryConstraintError);
    expect((loser.reason as FactoryConstraintError).constraint).toBe('bookings_instructor_slot_uq');
  }
  const held = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.instructorId, instructor.id), eq(bookings.scheduledAt, slot)));
  expect(held).toHaveLength(1);
});

test('a cancelled booking frees the slot', async ({ bookings: factory }) => {
  const first = await factory.createBookingScenario({ scheduledAt: slot, status: 'CANCELLED' });
  const again = await factory.createBooking({
    instructorId: first.instructor.id,
    parentId: first.parent.id,
    childId: first.child.id,
    scheduledAt: slot,
  });
  expect(again.status).toBe('CONFIRMED');
});
