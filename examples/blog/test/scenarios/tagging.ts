import { eq } from 'drizzle-orm';
import { postTags, posts, tags } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function taggingScenario(tagged: number): void {
  test(`${tagged} posts tagged through the composite-key join table`, async ({
    db,
    organizations,
    users,
    posts: postFactory,
    tags: tagFactory,
    postTags: joins,
  }) => {
    const org = await organizations.create();
    const author = await users.create();
    const [news, other] = await tagFactory.createList(2, { organizationId: org.id });
    const created = await postFactory.createList(tagged + 1, { organizationId: org.id, authorId: author.id });
    await joins.createList(tagged, (i) => ({ postId: created[i]!.id, tagId: news!.id }));
    await joins.create({ postId: created[tagged]!.id, tagId: other!.id });
    const rows = await db.select({ id: posts.id }).from(posts).innerJoin(postTags, eq(postTags.postId, posts.id)).where(eq(postTags.tagId, news!.id));
    expect(rows).toHaveLength(tagged);
    expect(await db.$count(tags, eq(tags.organizationId, org.id))).toBe(2);
  });
}
