import { and, eq } from 'drizzle-orm';
import { bookings as bookingsTable } from '../../schema/index.js';
import { expect, test } from './fixtures.js';
import { fillBookingForm, futureSlot, submitBooking } from './flows.js';
import { holdSlot } from './slot-hold.js';

test('two parents submit the same instructor slot at the same moment: one booking, one "already taken"', async ({
  browser,
  baseURL,
  users,
  db,
  runtag,
  signIn,
}) => {
  const instructor = await users.createInstructor();
  const slot = futureSlot(3, 10);
  const families = [];
  for (let i = 0; i < 2; i++) {
    const parent = await users.createParent();
    families.push({ parent, child: await users.createChild(parent) });
  }

  // Two browser contexts: two separate cookie jars, so two signed-in parents.
  const contexts = await Promise.all(families.map(() => browser.newContext({ baseURL })));
  try {
    const pages = await Promise.all(contexts.map((context) => context.newPage()));
    for (const [i, { parent, child }] of families.entries()) {
      await signIn(pages[i]!, parent);
      await fillBookingForm(pages[i]!, { instructor, child, slot });
    }

    // Left alone, the second INSERT tends to arrive after the first has committed. Holding the
    // slot queues both at the database; releasing it makes them race for real.
    const hold = await holdSlot(
      { databaseUrl: runtag.config.databaseUrl, schema: runtag.testSchema.name },
      { instructorId: instructor.id, parentId: families[0]!.parent.id, childId: families[0]!.child.id, scheduledAt: slot },
    );
    const submitted = Promise.all(pages.map(submitBooking));
    try {
      await expect.poll(() => hold.queuedBehind(), { message: 'both booking INSERTs wait for the held slot' }).toBe(2);
    } finally {
      await hold.release();
    }
    await submitted;

    const outcomes = await Promise.all(
      pages.map(async (page) => {
        const confirmed = page.getByRole('status');
        const refused = page.getByRole('alert');
        await expect(confirmed.or(refused)).toBeVisible();
        return (await confirmed.isVisible()) ? 'booked' : await refused.innerText();
      }),
    );
    expect(outcomes.toSorted()).toEqual(['That slot is already taken', 'booked']);

    const winner = families[outcomes.indexOf('booked')]!;
    const stored = await db
      .select()
      .from(bookingsTable)
      .where(and(eq(bookingsTable.instructorId, instructor.id), eq(bookingsTable.scheduledAt, slot)));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ parentId: winner.parent.id, childId: winner.child.id, status: 'CONFIRMED' });
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
});
