/**
 * createRuntagTest({ driver: 'pg' }): the `db` fixture is node-postgres (a NodePgDatabase on the
 * file's own URL), for code typed for it; the factories and runtag's checks work beside it.
 */
import { eq, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { expect, expectTypeOf } from 'vitest';
import * as schema from '../../schema/index.js';
import { users } from '../../schema/index.js';
import { TestUserFactory } from '../../src/domain/test-user-factory.js';
import { expectQueries } from '../../src/toolkit/query-budget.js';
import { createRuntagTest } from '../../src/vitest/runtag-test.js';

const test = createRuntagTest({ schema, driver: 'pg', factories: { users: (session) => new TestUserFactory({ session }) } });

/** App code typed for node-postgres, as half of Drizzle apps are. */
async function findByEmail(db: NodePgDatabase<typeof schema>, email: string) {
  return db.query.users.findFirst({ where: eq(users.email, email) });
}

test('db is a NodePgDatabase on the file schema: it reads what the factories wrote', async ({ db, users: factory, runtag }) => {
  expectTypeOf(db).toEqualTypeOf<NodePgDatabase<typeof schema>>();
  const parent = await factory.createParent();
  expect((await findByEmail(db, parent.email))?.id).toBe(parent.id);
  const { rows } = await db.execute<{ user: string }>(sql`select current_user as "user"`);
  expect(rows[0]!.user).toBe(runtag.testSchema.name);
});

test('query budgets count what the node-postgres db sends', async ({ db, runtag, users: factory }) => {
  const parent = await factory.createParent();
  await expectQueries(runtag, () => findByEmail(db, parent.email)).toBe(1);
  await expect(
    expectQueries(runtag, async () => {
      await findByEmail(db, parent.email);
      await findByEmail(db, parent.email);
    }).toBeAtMost(1),
  ).rejects.toThrow(/at most 1 statement, but the callback sent 2/);
});

test("a factory session on the app's own node-postgres db creates through it and cleans up after itself", async ({ db }) => {
  const own = new TestUserFactory({ db });
  const parent = await own.createParent();
  expect((await findByEmail(db, parent.email))?.id).toBe(parent.id);
  expect(await own.cleanup()).toBe(1);
  expect(await findByEmail(db, parent.email)).toBeUndefined();
});
