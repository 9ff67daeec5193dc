import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { describe } from 'vitest';
import { bookings, children, users } from '../../schema/index.js';
import { TestBookingFactory } from '../../src/domain/test-booking-factory.js';
import { TestUserFactory } from '../../src/domain/test-user-factory.js';
import { CleanupError } from '../../src/factory/tracker.js';
import { expect, test } from '../../src/example/vitest.js';

describe('cleanup', () => {
  test('deletes exactly the rows it created, children before parents', async ({ db }) => {
    const bystander = await new TestUserFactory().createParent();
    const own = new TestBookingFactory({ db });
    const scenarios = await own.createBookingScenarios(3);
    const ids = scenarios.flatMap((s) => [s.parent.id, s.instructor.id]);

    const deleted = await own.cleanup();

    // 3 × (parent, instructor, profile, child, booking)
    expect(deleted).toBe(15);
    expect(await db.select().from(users).where(inArray(users.id, ids))).toEqual([]);
    expect(
      await db
        .select()
        .from(bookings)
        .where(
          inArray(
            bookings.id,
            scenarios.map((s) => s.booking.id),
          ),
        ),
    ).toEqual([]);
    expect(await db.select().from(users).where(eq(users.id, bystander.id))).toHaveLength(1);
  });

  test("takes rows hanging only off its rows along; keeps a row another session's row holds, and says why", async ({ db }) => {
    const own = new TestUserFactory({ db });
    const other = new TestUserFactory({ db });
    const held = await own.createParent();
    const free = await own.createParents(2);
    // Untracked, but referencing only this session's row: provably its own, deleted with it.
    const [stray] = await db.insert(children).values({ id: randomUUID(), parentId: free[0]!.id, name: 'stray', birthDate: '2019-01-01' }).returning();
    // References this session's parent and the other session's instructor and child: not this session's.
    const instructor = await other.createInstructor();
    const otherChild = await other.createChild();
    const [booking] = await db
      .insert(bookings)
      .values({ parentId: held.id, instructorId: instructor.id, childId: otherChild.id, scheduledAt: new Date('2030-01-01T10:00:00Z'), amount: '10.00' })
      .returning();

    expect(await own.cleanup()).toBe(3); // two parents and the stray child
    expect(await db.select().from(children).where(eq(children.id, stray!.id))).toEqual([]);
    expect(await db.select().from(users).where(eq(users.id, held.id))).toHaveLength(1);
    expect(await db.select().from(bookings).where(eq(bookings.id, booking!.id))).toHaveLength(1);
    expect(own.session.tracker.held).toEqual([
      {
        table: 'users',
        key: { id: held.id },
        reason: expect.stringMatching(new RegExp(`referenced by bookings \\{"id":"${booking!.id}"\\} \\(constraint bookings_parent_id_users_id_fk\\)`)),
      },
    ]);
    await db.delete(bookings).where(eq(bookings.id, booking!.id));
    await other.cleanup();
  });

  test('names the real cause when cleanup fails: a table that is gone', async ({ db }) => {
    const own = new TestUserFactory({ db });
    await own.createParent();
    await db.execute(sql`alter table users rename to users_gone`);
    try {
      const error = await own.cleanup().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CleanupError);
      expect((error as Error).message).toMatch(/cleanup could not delete the rows created in "users": .*no longer exists/s);
    } finally {
      await db.execute(sql`alter table users_gone rename to users`);
    }
  });
});
