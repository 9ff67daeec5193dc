import { eq } from 'drizzle-orm';
import { organizations } from '../src/schema.js';
import { expect, test } from './runtag.js';

/** Two files on two workers make the same literal rows at the same time: tags keep them apart in every isolation mode. */
export function parallelScenario(name: string): void {
  test(`${name}: the same organizations in every file, never colliding`, async ({ organizations: organizationFactory, db, tag }) => {
    const mine = await organizationFactory.createList(10, (i) => ({ slug: tag.slug(`same-${i}`, 40) }));
    const seen = await db.select().from(organizations).where(eq(organizations.id, mine[0]!.id));
    expect(seen).toHaveLength(1);
    expect(new Set(mine.map((o) => o.slug)).size).toBe(10);
  });
}
