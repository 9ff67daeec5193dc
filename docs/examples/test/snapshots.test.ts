// test/snapshots.test.ts
import { eq } from 'drizzle-orm';
import { tagged } from 'runtag';
import { queryReport, stabilize } from 'runtag/toolkit';
import { users } from '../src/db/schema.js';
import { expect, test } from './runtag.js';

test('a query, its parameters and its rows, the same in every run', async ({ db, users: userRows }) => {
  const ada = await userRows.create({ email: tagged('ada@example.test'), firstName: 'Ada', lastName: 'Lovelace' });
  const query = db.select({ id: users.id, email: users.email, firstName: users.firstName }).from(users).where(eq(users.id, ada.id));
  expect(await queryReport(query)).toMatchInlineSnapshot(`
    "select "id", "email", "first_name" from "users" where "users"."id" = $1
    -- $1 = '<uuid#1>'

    id       | email                                | firstName
    ---------+--------------------------------------+----------
    <uuid#1> | <tag:users.email#1>-ada@example.test | Ada
    (1 row)"
  `);
  expect(stabilize({ id: ada.id, email: ada.email })).toEqual({ id: '<uuid#1>', email: '<tag:email#1>-ada@example.test' });
});
