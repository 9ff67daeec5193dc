import { eq } from 'drizzle-orm';
import { children } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';

test('a parent sees all of their children', async ({ users, db }) => {
  const parent = await users.createParent();
  await users.createChild(parent, { name: 'Ada' });
  await users.createChild(parent, { name: 'Grace' });
  const mine = await db.select().from(children).where(eq(children.parentId, parent.id));
  expect(mine.map((c) => c.name).sort()).toEqual(['Ada', 'Grace']);
});
