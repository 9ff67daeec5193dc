import { inArray, sql } from 'drizzle-orm';
import { users } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function handleScenario(count: number): void {
  test(`${count} users get unique handles that fit varchar(32), and case-insensitive unique emails`, async ({ db, users: userFactory }) => {
    const created = await userFactory.createList(count);
    for (const user of created) expect(user.handle.length).toBeLessThanOrEqual(32);
    expect(new Set(created.map((u) => u.handle)).size).toBe(count);
    const [{ distinct }] = await db
      .select({ distinct: sql<number>`count(distinct lower(${users.email}))::int` })
      .from(users)
      .where(
        inArray(
          users.id,
          created.map((u) => u.id),
        ),
      );
    expect(distinct).toBe(count);
  });
}
