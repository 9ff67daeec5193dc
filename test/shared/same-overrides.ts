import { and, eq, like, sql } from 'drizzle-orm';
import { users } from '../../schema/index.js';
import { likePrefix } from '../../src/run/tag.js';
import { tagged } from '../../src/factory/tagged.js';
import { expect, test } from '../../src/example/vitest.js';

/** The same bases in every file: `tagged()` makes each a value of its own; as plain values they would collide at once. */
export const SAME = { email: tagged('alice@example.test'), clerkId: tagged('clerk_alice'), firstName: 'Alice' } as const;
export const SAME_SLOT = new Date('2027-01-04T09:00:00Z');

/**
 * Registered by each of the eight test/shared/same-overrides-*.test.ts files, which Vitest runs
 * on two workers at once, all in ONE schema.
 */
export function sameOverridesSuite(): void {
  test('25 parents from one tagged email and clerk id, in one insert, never collide', async ({ users: factory, tag }) => {
    const created = await factory.createParents(25, SAME);
    expect(new Set(created.map((u) => u.email)).size).toBe(25);
    for (const user of created) {
      expect(user.email.startsWith(tag.prefix)).toBe(true);
      expect(user.email.endsWith('-alice@example.test')).toBe(true);
      expect(user.firstName).toBe('Alice');
    }
  });

  test('a whole scenario at the same slot with the same overrides, every file', async ({ bookings: factory, users: userFactory }) => {
    const scenario = await factory.createBookingScenario({ scheduledAt: SAME_SLOT });
    const again = await userFactory.createInstructor(SAME);
    expect(scenario.booking.scheduledAt.toISOString()).toBe(SAME_SLOT.toISOString());
    expect(again.email).not.toBe(scenario.instructor.email);
  });

  test('reads only its own rows by its tag prefix, though the schema is shared', async ({ db, users: factory, tag }) => {
    const mine = await factory.createParents(3, SAME);
    const seen = await db
      .select({ id: users.id })
      .from(users)
      .where(like(users.email, likePrefix(tag.prefix)));
    expect(seen.map((r) => r.id).sort()).toEqual(expect.arrayContaining(mine.map((u) => u.id).sort()));
    const [{ count }] = (await db
      .select({ count: sql<number>`count(*)::int` })
      .from(users)
      .where(and(like(users.email, likePrefix(tag.prefix)), eq(users.firstName, 'Alice')))) as [{ count: number }];
    // 25 + 1 instructor + 3 from this file's tests: whatever the other files did meanwhile.
    expect(count).toBe(29);
  });

  test('an exact value is stored as written, and one another file holds fails with advice', async ({ users: factory }) => {
    // Every file creates this very email: one wins, the others are told to use tagged().
    const outcome = await factory.createParent({ email: 'the-same-everywhere@example.test' }).then(
      (user) => ({ stored: user.email }),
      (error: Error) => ({ error: error.message }),
    );
    if ('stored' in outcome) expect(outcome.stored).toBe('the-same-everywhere@example.test');
    else expect(outcome.error).toMatch(/unique constraint "users_email_uq".*tagged\(/s);
  });

  test('the constraint is real: the same value without a fresh tag collides', async ({ db, tag }) => {
    const email = tag.email('twice');
    const row = { role: 'ADMIN' as const, email, clerkId: tag.next(), firstName: 'T', lastName: 'W' };
    await db.insert(users).values(row);
    await expect(db.insert(users).values({ ...row, clerkId: tag.next() })).rejects.toMatchObject({ cause: { code: '23505' } });
    await db.delete(users).where(eq(users.email, email));
  });
}
