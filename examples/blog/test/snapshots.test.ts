import { eq } from 'drizzle-orm';
import { tagged } from 'runtag';
import { assertQuery, queryReport } from 'runtag/toolkit';
import { organizations, posts, users } from '../src/schema.js';
import { expect, test } from './blog-test.js';
import type { organizationFactory, postFactory, userFactory } from './factories.js';

/*
 * Snapshots of factory rows: run tags, uuids and timestamps print as numbered placeholders (the
 * serializer runtag's setup file adds), so these hold in every run, on every worker and in every
 * isolation mode. Identity ids and faker's values do vary (by schema, by seed): the snapshots
 * leave the first out and give the second explicit values.
 */
async function publishedPost(orgs: typeof organizationFactory, people: typeof userFactory, postList: typeof postFactory) {
  const org = await orgs.create({ name: 'Acme', slug: tagged('acme') });
  const author = await people.create({ handle: tagged('ada'), email: tagged('ada@blog.test'), displayName: 'Ada Lovelace' });
  const post = await postList.create(
    { organizationId: org.id, authorId: author.id, slug: 'hello-world', title: 'Hello, world', body: { blocks: ['First post.'] } },
    { traits: ['published'] },
  );
  return { org, author, post };
}

test('a published post, its organization and its author snapshot the same in every run', async ({ organizations: orgs, users: people, posts: postList }) => {
  const { org, author, post } = await publishedPost(orgs, people, postList);
  const { authorId: _identity, ...shown } = post;
  expect({ org, author: { handle: author.handle, email: author.email }, post: shown }).toMatchInlineSnapshot(`
    {
      "author": {
        "email": "<tag:email#1>-ada@blog.test",
        "handle": "<tag:handle#1>-ada",
      },
      "org": {
        "createdAt": "<timestamp#1>",
        "id": "<uuid#1>",
        "name": "Acme",
        "slug": "<tag:slug#1>-acme",
      },
      "post": {
        "body": {
          "blocks": [
            "First post.",
          ],
        },
        "id": "<uuid#2>",
        "organizationId": "<uuid#1>",
        "slug": "hello-world",
        "status": "published",
        "title": "Hello, world",
      },
    }
  `);
});

test('queryReport shows the SQL of a join and its result as a table, tags labelled by table and column', async ({
  db,
  organizations: orgs,
  users: people,
  posts: postList,
}) => {
  const { post } = await publishedPost(orgs, people, postList);
  const query = db
    .select({ post: posts.slug, status: posts.status, author: users.handle, email: users.email, organization: organizations.slug })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .innerJoin(organizations, eq(organizations.id, posts.organizationId))
    .where(eq(posts.id, post.id));
  expect(await queryReport(query)).toMatchInlineSnapshot(`
    "select "posts"."slug", "posts"."status", "users"."handle", "users"."email", "organizations"."slug" from "posts" inner join "users" on "users"."id" = "posts"."author_id" inner join "organizations" on "organizations"."id" = "posts"."organization_id" where "posts"."id" = $1
    -- $1 = '<uuid#1>'

    post        | status    | author                   | email                             | organization
    ------------+-----------+--------------------------+-----------------------------------+--------------------------------
    hello-world | published | <tag:users.handle#1>-ada | <tag:users.email#1>-ada@blog.test | <tag:organizations.slug#1>-acme
    (1 row)"
  `);
});

test('assertQuery matches the report against the snapshot file and resolves to the rows', async ({
  db,
  organizations: orgs,
  users: people,
  posts: postList,
}) => {
  const { org } = await publishedPost(orgs, people, postList);
  // By the organization's uuid, not the author's identity id: that number differs by schema and isolation mode.
  const rows = await assertQuery(db.select({ slug: posts.slug, title: posts.title, body: posts.body }).from(posts).where(eq(posts.organizationId, org.id)));
  expect(rows).toEqual([{ slug: 'hello-world', title: 'Hello, world', body: { blocks: ['First post.'] } }]);
});
