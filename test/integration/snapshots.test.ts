import { asc, eq, inArray } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type * as schema from '../../schema/index.js';
import { bookings, children, users } from '../../schema/index.js';
import { tagged } from '../../src/factory/tagged.js';
import { queryReport } from '../../src/toolkit/query-report.js';
import { assertQuery } from '../../src/toolkit/assert-query.js';
import { expect, test } from '../../src/example/vitest.js';

/*
 * Rows made by factories carry run tags, generated uuids and timestamps: different in every run and
 * on every worker. The setup file's serializer prints them as numbered placeholders, so these
 * snapshots hold run after run. Faker's values follow the run's seed, so the columns snapshotted
 * here get explicit values.
 */
const alice = { email: tagged('alice@example.test'), clerkId: tagged('user_alice'), firstName: 'Alice', lastName: 'Liddell' };
const bob = { email: tagged('bob@example.test'), clerkId: tagged('user_bob'), firstName: 'Bob', lastName: 'Builder' };

test('rows with tags, uuids and timestamps snapshot the same in every run', async ({ users: factory, db }) => {
  const parent = await factory.createParent(alice);
  const instructor = await factory.createInstructor(bob);
  const rows = await db
    .select()
    .from(users)
    .where(inArray(users.id, [parent.id, instructor.id]))
    .orderBy(asc(users.firstName));
  // Bob's row repeats Alice's tag: the same original, the same placeholder.
  expect(rows.map((row) => (row.firstName === 'Bob' ? { ...row, invitedBy: parent.email } : row))).toMatchInlineSnapshot(`
    [
      {
        "clerkId": "<tag:clerkId#1>-user_alice",
        "createdAt": "<timestamp#1>",
        "email": "<tag:email#1>-alice@example.test",
        "firstName": "Alice",
        "id": "<uuid#1>",
        "lastName": "Liddell",
        "role": "PARENT",
      },
      {
        "clerkId": "<tag:clerkId#2>-user_bob",
        "createdAt": "<timestamp#2>",
        "email": "<tag:email#2>-bob@example.test",
        "firstName": "Bob",
        "id": "<uuid#2>",
        "invitedBy": "<tag:email#1>-alice@example.test",
        "lastName": "Builder",
        "role": "INSTRUCTOR",
      },
    ]
  `);
});

test('queryReport: the SQL, its parameters and the rows as a table, labelled by table and column', async ({ users: factory, bookings: bookingFactory, db }) => {
  const parent = await factory.createParent(alice);
  const instructor = await factory.createInstructor(bob);
  const child = await factory.createChild(parent, { name: 'Tom', birthDate: '2019-05-01' });
  const slot = new Date('2026-12-01T10:00:00Z');
  const booking = await bookingFactory.createBooking({
    parentId: parent.id,
    instructorId: instructor.id,
    childId: child.id,
    scheduledAt: slot,
    amount: '45.00',
  });

  const query = db
    .select({ booking: bookings.id, parent: users.email, child: children.name, at: bookings.scheduledAt, amount: bookings.amount })
    .from(bookings)
    .innerJoin(users, eq(users.id, bookings.parentId))
    .innerJoin(children, eq(children.id, bookings.childId))
    .where(eq(bookings.id, booking.id));
  expect(await queryReport(query)).toMatchInlineSnapshot(`
    "select "bookings"."id", "users"."email", "children"."name", "bookings"."scheduled_at", "bookings"."amount" from "bookings" inner join "users" on "users"."id" = "bookings"."parent_id" inner join "children" on "children"."id" = "bookings"."child_id" where "bookings"."id" = $1
    -- $1 = '<uuid#1>'

    booking  | parent                                 | child | at            | amount
    ---------+----------------------------------------+-------+---------------+-------
    <uuid#1> | <tag:users.email#1>-alice@example.test | Tom   | <timestamp#1> | 45.00
    (1 row)"
  `);

  // A whole-table select of two joined tables: one column per field, headed table.field.
  const joined = db.select().from(users).innerJoin(children, eq(children.parentId, users.id)).where(eq(users.id, parent.id));
  expect(await queryReport(joined)).toMatchInlineSnapshot(`
    "select "users"."id", "users"."role", "users"."email", "users"."clerk_id", "users"."first_name", "users"."last_name", "users"."created_at", "children"."id", "children"."parent_id", "children"."name", "children"."birth_date" from "users" inner join "children" on "children"."parent_id" = "users"."id" where "users"."id" = $1
    -- $1 = '<uuid#1>'

    users.id | users.role | users.email                            | users.clerkId                     | users.firstName | users.lastName | users.createdAt | children.id | children.parentId | children.name | children.birthDate
    ---------+------------+----------------------------------------+-----------------------------------+-----------------+----------------+-----------------+-------------+-------------------+---------------+-------------------
    <uuid#1> | PARENT     | <tag:users.email#1>-alice@example.test | <tag:users.clerk_id#1>-user_alice | Alice           | Liddell        | <timestamp#1>   | <uuid#2>    | <uuid#1>          | Tom           | 2019-05-01
    (1 row)"
  `);
});

test('assertQuery matches the report against the snapshot file and resolves to the rows', async ({ users: factory, db }) => {
  const parent = await factory.createParent(alice);
  const rows = await assertQuery(db.select({ email: users.email, clerkId: users.clerkId, role: users.role }).from(users).where(eq(users.id, parent.id)));
  expect(rows).toEqual([{ email: parent.email, clerkId: parent.clerkId, role: 'PARENT' }]);
  const none = await assertQuery(db.select({ id: users.id }).from(users).where(eq(users.email, 'nobody@example.test')), { hint: 'no rows' });
  expect(none).toEqual([]);
});

test('queryReport of update … returning and of a relational query', async ({ users: factory, db }) => {
  const parent = await factory.createParent(alice);
  const update = db.update(users).set({ lastName: 'Hargreaves' }).where(eq(users.id, parent.id)).returning({ email: users.email, lastName: users.lastName });
  expect(await queryReport(update)).toMatchInlineSnapshot(`
    "update "users" set "last_name" = $1 where "users"."id" = $2 returning "email", "last_name"
    -- $1 = 'Hargreaves', $2 = '<uuid#1>'

    email                                  | lastName
    ---------------------------------------+-----------
    <tag:users.email#1>-alice@example.test | Hargreaves
    (1 row)"
  `);
  // No selection to read: headers are the row's keys, and tags are labelled by them.
  const found = db.query.users.findFirst({ where: eq(users.id, parent.id), columns: { clerkId: true, lastName: true } });
  expect(await queryReport(found)).toMatchInlineSnapshot(`
    "select "clerk_id", "last_name" from "users" "users" where "users"."id" = $1 limit $2
    -- $1 = '<uuid#1>', $2 = 1

    clerkId                    | lastName
    ---------------------------+-----------
    <tag:clerkId#1>-user_alice | Hargreaves
    (1 row)"
  `);
});

test('assertQuery and queryReport take Drizzle queries only', () => {
  // Declared, never called: tsc checks these (`npm test` runs it first).
  const declare = async (db: PostgresJsDatabase<typeof schema>) => {
    const query = db.select().from(users);
    const rows: (typeof users.$inferSelect)[] = await assertQuery(query);
    await assertQuery(query, { expect, hint: 'all users' });
    // @ts-expect-error: the rows, not the query
    await assertQuery(rows);
    // @ts-expect-error: a promise has no SQL
    await queryReport(Promise.resolve([]));
    // @ts-expect-error: SQL text is not a query
    await queryReport('select 1');
  };
  expect(declare).toBeTypeOf('function');
});
