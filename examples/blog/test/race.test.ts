import { eq } from 'drizzle-orm';
import { expectQueries, holdLock, race } from 'runtag/toolkit';
import * as schema from '../src/schema.js';
import { posts as postsTable, users as usersTable } from '../src/schema.js';
import { expect, test } from './blog-test.js';
import { userFactory } from './factories.js';

test('eight sign-ups for one handle at the same moment: exactly one gets it', async ({ db, tag, runtag }) => {
  // A race runs on connections of its own, which a test's rolled-back transaction keeps out: runtag says so.
  if (runtag.config.isolation === 'transaction') {
    await expect(race(runtag, 2, async () => 1)).rejects.toThrow(/isolation "transaction"/);
    return;
  }
  const handle = tag.value('ada', 32);
  const result = await race(runtag, 8, ({ index, session }) => userFactory.withSession(session).create({ handle, email: tag.email(`ada${index}`) }), {
    schema,
  });

  const winner = result.singleWinner('users_handle_uq');
  expect(result.rejected).toHaveLength(7);
  expect(await db.select({ id: usersTable.id }).from(usersTable).where(eq(usersTable.handle, handle))).toEqual([{ id: winner.id }]);
});

test('the feed loads posts with their authors in one statement; a per-post lookup is an N+1', async ({ db, organizations, posts, runtag }) => {
  const org = await organizations.create();
  await posts.createList(3, { organizationId: org.id });

  const feed = await expectQueries(runtag, () => db.query.posts.findMany({ where: eq(postsTable.organizationId, org.id), with: { author: true } })).toBe(1);
  expect(feed).toHaveLength(3);

  const authorsOneByOne = async () => {
    for (const post of feed) await db.query.users.findFirst({ where: eq(usersTable.id, post.authorId) });
  };
  await expect(expectQueries(runtag, authorsOneByOne).toBeAtMost(1)).rejects.toThrow(/at most 1 statement, but the callback sent 3/);
});

test('publishing waits while an editor holds the post, then goes through', async ({ db, organizations, posts, runtag }) => {
  // The lock is held on a connection of its own, which cannot see a rolled-back test transaction's rows.
  if (runtag.config.isolation === 'transaction') return;
  const org = await organizations.create();
  const post = await posts.create({ organizationId: org.id, status: 'draft' });

  let publish: Promise<unknown> | undefined;
  await holdLock(runtag, { table: postsTable, rows: eq(postsTable.id, post.id) }, async (lock) => {
    publish = db.update(postsTable).set({ status: 'published' }).where(eq(postsTable.id, post.id)).execute();
    await expect.poll(() => lock.waiters()).toBe(1); // the publish is waiting for the editor's lock
  });
  await publish;
  const [after] = await db.select({ status: postsTable.status }).from(postsTable).where(eq(postsTable.id, post.id));
  expect(after!.status).toBe('published');
});
