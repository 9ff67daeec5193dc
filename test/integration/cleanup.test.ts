import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
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
    expect(await db.select().from(bookings).where(inArray(bookings.id, scenarios.map((s) => s.booking.id)))).toEqual([]);
    expect(await db.select().from(users).where(eq(users.id, bystander.id))).toHaveLength(1);
  });

  test('collects every failure instead of stopping at the first', async ({ db }) => {
    const own = new TestUserFactory({ db });
    const blocked = await own.createParent();
    const free = await own.createParents(2);
    // A row no factory tracks keeps `blocked` referenced.
    const [stranger] = await db.insert(children).values({ id: randomUUID(), parentId: blocked.id, name: 'stray', birthDate: '2019-01-01' }).returning();

    const error = await own.cleanup().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).message).toMatch(/could not delete rows from 1 table\(s\):\n {2}- "users" \(3 row\(s\)/);
    expect((error as CleanupError).message).toContain('children_parent_id_users_id_fk');
    // The delete of the users batch failed as a whole and nothing else was touched.
    expect(await db.select().from(users).where(inArray(users.id, [blocked.id, ...free.map((u) => u.id)]))).toHaveLength(3);
    await db.delete(children).where(eq(children.id, stranger!.id));
    expect(await own.cleanup()).toBe(3);
  });
});
