import { eq, isNull } from 'drizzle-orm';
import { comments } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function threadScenario(replies: number): void {
  test(`a comment thread with ${replies} replies to the first comment (self-reference)`, async ({ db, posts, comments: commentFactory }) => {
    const post = await posts.create();
    const [first] = await commentFactory.createList(3, { postId: post.id, authorId: post.authorId });
    await commentFactory.createList(replies, { postId: post.id, authorId: post.authorId, parentId: first!.id });
    const roots = await db.select().from(comments).where(isNull(comments.parentId));
    expect(roots.filter((c) => c.postId === post.id)).toHaveLength(3);
    const thread = await db.select().from(comments).where(eq(comments.parentId, first!.id));
    expect(thread).toHaveLength(replies);
  });
}
