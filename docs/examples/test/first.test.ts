// test/first.test.ts
import { eq } from 'drizzle-orm';
import { children } from '../src/db/schema.js';
import { expect, test } from './runtag.js';

test('a parent with two children', async ({ db, users, children: kids }) => {
  const parent = await users.create({ email: 'ada@example.test' }); // stored exactly as given
  await kids.createList(2, { parentId: parent.id }); // one INSERT for both

  const rows = await db.select().from(children).where(eq(children.parentId, parent.id));
  expect(rows).toHaveLength(2);
  expect(await db.$count(children)).toBe(2); // the file's own schema: no other file's rows
});
