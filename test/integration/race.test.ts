import { and, eq, inArray, sql } from 'drizzle-orm';
import { bookings, users } from '../../schema/index.js';
import * as schema from '../../schema/index.js';
import { TestBookingFactory } from '../../src/domain/test-booking-factory.js';
import { expect, test } from '../../src/example/vitest.js';
import { DEFAULT_RACE_CONNECTIONS, race, RaceError } from '../../src/toolkit/race.js';

const slot = new Date('2026-12-01T10:00:00Z');

test('double booking written with race: exactly one of six bookings of one slot wins', async ({ users: userFactory, db, runtag }) => {
  const instructor = await userFactory.createInstructor();
  const families = await Promise.all(
    Array.from({ length: 6 }, async () => {
      const parent = await userFactory.createParent();
      return { parent, child: await userFactory.createChild(parent) };
    }),
  );

  // Each attempt books through a factory bound to its own connection.
  const result = await race(runtag, families.length, ({ index, session }) =>
    new TestBookingFactory({ session }).createBooking({
      instructorId: instructor.id,
      parentId: families[index]!.parent.id,
      childId: families[index]!.child.id,
      scheduledAt: slot,
    }),
  );

  const booking = result.singleWinner('bookings_instructor_slot_uq');
  expect(result.rejected).toHaveLength(5);
  const held = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.instructorId, instructor.id), eq(bookings.scheduledAt, slot)));
  expect(held.map((b) => b.id)).toEqual([booking.id]);
});

test('100 concurrent registrations of one email: one wins, 99 fail on users_email_uq', async ({ db, tag, runtag }) => {
  const email = tag.email('race');
  const result = await race(runtag, 100, ({ db: attemptDb }) =>
    attemptDb
      .insert(users)
      .values({ role: 'PARENT', email, clerkId: tag.value('clerk', 64), firstName: 'Ada', lastName: 'Race' })
      .returning({ id: users.id }),
  );

  expect(result.winners).toHaveLength(1);
  expect(result.rejected).toHaveLength(99);
  expect(new Set(result.constraints)).toEqual(new Set(['users_email_uq']));
  expect(result.rejected.every((r) => r.sqlState === '23505')).toBe(true);
  // Bounded by the connection budget, never more than asked for.
  expect(result.connections).toBeGreaterThanOrEqual(2);
  expect(result.connections).toBeLessThanOrEqual(DEFAULT_RACE_CONNECTIONS);
  expect(await db.select({ id: users.id }).from(users).where(eq(users.email, email))).toEqual(result.winners[0]);
  // Inserted without a factory, so untracked: the test deletes its own row (the file's leak check would report it).
  await db.delete(users).where(eq(users.email, email));
});

test('the attempts are in flight at the same moment, each on a backend of its own', async ({ db, runtag }) => {
  const runtime = runtag;
  const key = 9_120_001;
  // The test holds an advisory lock each attempt must wait for: released only once all four wait at once.
  const holder = await runtime.testSchema.sql.reserve();
  try {
    await holder`select pg_advisory_lock(${key})`;
    const racing = race(
      runtag,
      4,
      async ({ sql }) => {
        const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid, pg_advisory_lock_shared(${key})`;
        await sql`select pg_advisory_unlock_shared(${key})`;
        return row!.pid;
      },
      { connections: 4, schema },
    );
    await expect
      .poll(async () => {
        const rows = await db.execute<{ n: number }>(
          sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = ${key} and not granted
                and database = (select oid from pg_database where datname = current_database())`,
        );
        return rows[0]?.n;
      })
      .toBe(4);
    await holder`select pg_advisory_unlock(${key})`;
    const result = await racing;
    expect(result.rejected).toEqual([]);
    expect(new Set(result.winners).size).toBe(4);
  } finally {
    holder.release();
  }
});

test('singleWinner says how many won and what the others failed on', async ({ tag, db, runtag }) => {
  const result = await race(
    runtag,
    3,
    async ({ index, db }) => {
      if (index === 0) throw new Error('app bug: no such plan');
      return db
        .insert(users)
        .values({ role: 'PARENT', email: tag.email(), clerkId: tag.value('clerk', 64), firstName: 'A', lastName: 'B' })
        .returning();
    },
    { connections: 2 },
  );
  expect(() => result.singleWinner('users_email_uq')).toThrow(RaceError);
  expect(() => result.singleWinner('users_email_uq')).toThrow(/2 won, 0 failed on "users_email_uq", 1 failed otherwise: app bug: no such plan/);
  await db.delete(users).where(
    inArray(
      users.id,
      result.winners.flat().map((u) => u.id),
    ),
  );
});

test('race refuses nonsense counts before opening anything', async ({ runtag }) => {
  await expect(race(runtag, 0, async () => 1)).rejects.toThrow(/at least 1, got 0/);
  await expect(race(runtag, 2, async () => 1, { connections: 0 })).rejects.toThrow(/connections option must be a whole number/);
});
