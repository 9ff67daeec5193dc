import { expect, test } from '../../src/example/vitest.js';

test('two parents race for one slot: the database lets exactly one win', async ({ users, bookings }) => {
  const instructor = await users.createInstructor();
  const slot = new Date('2027-03-01T16:00:00Z');
  const racers = await users.createParents(2);
  const kids = await Promise.all(racers.map((parent) => users.createChild(parent)));
  const results = await Promise.allSettled(
    racers.map((parent, i) => bookings.createBooking({ parentId: parent.id, childId: kids[i]!.id, instructorId: instructor.id, scheduledAt: slot })),
  );
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
});
