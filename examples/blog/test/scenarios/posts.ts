import { and, count, eq } from 'drizzle-orm';
import { posts } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function postsScenario(published: number): void {
  test(`${published} published and 2 draft posts, counted per organization`, async ({ db, organizations, users, posts: postFactory }) => {
    const org = await organizations.create();
    const author = await users.create();
    await postFactory.createList(published, { organizationId: org.id, authorId: author.id }, { traits: ['published'] });
    await postFactory.createList(2, { organizationId: org.id, authorId: author.id });
    const rows = await db.select({ status: posts.status, n: count() }).from(posts).where(eq(posts.organizationId, org.id)).groupBy(posts.status);
    expect(Object.fromEntries(rows.map((r) => [r.status, r.n]))).toEqual({ published, draft: 2 });
    const [{ n }] = await db
      .select({ n: count() })
      .from(posts)
      .where(and(eq(posts.authorId, author.id), eq(posts.status, 'draft')));
    expect(n).toBe(2);
  });
}
