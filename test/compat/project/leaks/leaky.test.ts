import { organizations } from '../src/schema.js';
import { expect, test } from '../test/runtag.js';

// Deliberately wrong: a row inserted behind the factories' back and never deleted.
test('forgets an organization', async ({ db, tag, projects }) => {
  await projects.create(); // tracked: cleaned up, not reported
  const [org] = await db
    .insert(organizations)
    .values({ slug: tag.slug('forgotten', 40) })
    .returning();
  expect(org!.slug).toContain('forgotten');
});
