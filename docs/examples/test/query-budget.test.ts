// test/query-budget.test.ts
import { eq, inArray } from 'drizzle-orm';
import { countQueries, expectQueries } from 'runtag/toolkit';
import { children, users } from '../src/db/schema.js';
import { expect, test } from './runtag.js';

test('the parents page loads in two queries, not one per parent', async ({ runtag, db, children: kids }) => {
  await kids.createList(5);
  const loadFamilies = async () => {
    const parentIds = (await db.select({ id: users.id }).from(users)).map((p) => p.id);
    return db.select().from(children).where(inArray(children.parentId, parentIds));
  };
  const rows = await expectQueries(runtag, loadFamilies).toBeAtMost(2);
  expect(rows).toHaveLength(5);

  const nPlusOne = async () => {
    for (const parent of await db.select().from(users)) await db.select().from(children).where(eq(children.parentId, parent.id));
  };
  await expect(expectQueries(runtag, nPlusOne).toBeAtMost(2)).rejects.toThrow(/N\+1 query/);
  expect((await countQueries(runtag, nPlusOne)).count).toBe(6);
});
