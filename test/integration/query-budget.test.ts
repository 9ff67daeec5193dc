import { eq, inArray } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type * as schema from '../../schema/index.js';
import { children, users } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';
import { countQueries, expectQueries, QueryBudgetError } from '../../src/toolkit/query-budget.js';

type Db = PostgresJsDatabase<typeof schema>;

/** The N+1 shape: one query for the parents, then one per parent for its children. */
async function familiesOneByOne(db: Db, parentIds: string[]) {
  const parents = await db.select().from(users).where(inArray(users.id, parentIds));
  return Promise.all(parents.map(async (parent) => ({ parent, kids: await db.select().from(children).where(eq(children.parentId, parent.id)) })));
}

/** The same data in one statement. */
async function familiesJoined(db: Db, parentIds: string[]) {
  return db.select().from(users).innerJoin(children, eq(children.parentId, users.id)).where(inArray(users.id, parentIds));
}

test('an N+1 loop exceeds its budget; the error names the counts and the repeated statement', async ({ db, users: factory, runtag }) => {
  const parents = await factory.createParents(5);
  for (const parent of parents) await factory.createChild(parent);
  const ids = parents.map((p) => p.id);

  const failure = await expectQueries(runtag, () => familiesOneByOne(db, ids))
    .toBeAtMost(2)
    .catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(QueryBudgetError);
  expect((failure as QueryBudgetError).message).toMatch(/expected at most 2 statements, but the callback sent 6:/);
  expect((failure as QueryBudgetError).message).toMatch(/ 5× select .* from "children" where "children"\."parent_id" = \$1/);
  expect((failure as QueryBudgetError).message).toMatch(/N\+1 query/);
  expect((failure as QueryBudgetError).statements).toHaveLength(6);
});

test('the same data with one join passes, and the callback result comes back', async ({ db, users: factory, runtag }) => {
  const parents = await factory.createParents(3);
  for (const parent of parents) await factory.createChild(parent);
  const rows = await expectQueries(runtag, () =>
    familiesJoined(
      db,
      parents.map((p) => p.id),
    ),
  ).toBeAtMost(1);
  expect(rows).toHaveLength(3);
  await expect(expectQueries(runtag, () => familiesJoined(db, [])).toBe(1)).resolves.toEqual([]);
  await expect(expectQueries(runtag, () => familiesJoined(db, [])).toBe(2)).rejects.toThrow(/expected exactly 2 statements, but the callback sent 1:/);
});

test('factories, transactions and statements outside the callback: exactly what the callback sent is counted', async ({ db, users: factory, runtag }) => {
  await factory.createParent(); // before: not counted
  const { count, statements } = await countQueries(runtag, async () => {
    await factory.createParents(4); // one multi-row INSERT
    await db.transaction(async (tx) => {
      await tx.update(users).set({ lastName: 'Counted' }).where(eq(users.role, 'PARENT'));
    });
  });
  expect(statements.map((s) => s.split(' ')[0]!.toLowerCase())).toEqual(['insert', 'begin', 'update', 'commit']);
  expect(count).toBe(4);
  await expect(countQueries(runtag, () => 'no database')).resolves.toMatchObject({ value: 'no database', count: 0 });
});
