import { eq } from 'drizzle-orm';
import { posts } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function bulkScenario(count: number): void {
  test(`${count} posts in one organization with one multi-row insert`, async ({ db, organizations, users, posts: postFactory }) => {
    const org = await organizations.create();
    const author = await users.create();
    const created = await postFactory.createList(count, { organizationId: org.id, authorId: author.id });
    expect(new Set(created.map((p) => p.slug)).size).toBe(count);
    expect(await db.$count(posts, eq(posts.organizationId, org.id))).toBe(count);
  });
}
