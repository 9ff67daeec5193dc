import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { tagged } from 'runtag';
import { comments, postTags } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function associationScenario(children: number): void {
  test(`a post with ${children} comments and ${children} tags in one call, and a reply with its parent`, async ({ db, posts, comments: commentFactory }) => {
    const post = await posts.create({}, { has: { comments: children, tags: children } });
    expect(await db.$count(comments, eq(comments.postId, post.id))).toBe(children);
    expect(await db.$count(postTags, eq(postTags.postId, post.id))).toBe(children);

    const reply = await commentFactory.create({}, { with: ['parentId'] });
    const [parent] = await db.select().from(comments).where(eq(comments.id, reply.parentId!));
    expect(parent?.parentId).toBeNull();
  });

  test('exact values are stored as written; tagged() values are unique and fit varchar(32)', async ({ users }) => {
    const handle = `exact-${randomBytes(6).toString('hex')}`;
    const exact = await users.create({ handle, email: `${handle}@blog.test` });
    expect(exact.handle).toBe(handle);
    expect(exact.email).toBe(`${handle}@blog.test`);

    // The same "alice" in every file and worker: tagged() makes each one unique.
    const [a, b] = await users.createList(2, { handle: tagged('alice'), email: tagged('alice@blog.test') });
    expect(a!.handle).not.toBe(b!.handle);
    for (const user of [a!, b!]) {
      expect(user.handle.length).toBeLessThanOrEqual(32);
      expect(user.handle).toMatch(/-alice$/);
      expect(user.email).toMatch(/-alice@blog\.test$/);
    }
  });
}
