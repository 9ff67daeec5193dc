import { organizations } from '../src/schema.js';
import { expect, test } from '../test/blog-test.js';

// Deliberately wrong: a row inserted behind the factories' back and never deleted.
test('forgets an organization', async ({ db, tag, posts }) => {
  await posts.create(); // tracked: cleaned up, not reported
  const [org] = await db
    .insert(organizations)
    .values({ name: 'Forgotten', slug: tag.slug('forgotten', 32) })
    .returning();
  expect(org!.slug).toContain('forgotten');
});
