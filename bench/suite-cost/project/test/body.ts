import { eq, like } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { expect } from 'vitest';
import { authors, comments, posts } from '../src/schema.js';

/**
 * The same work in every variant: 20 rows into 3 related tables through Drizzle (4 authors, 8
 * posts, 8 comments), then read back with a join. `prefix` is unique per test, so the variant
 * that shares one database (plain) finds exactly its own rows.
 */
export async function exercise(db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>, prefix: string): Promise<void> {
  const people = await db
    .insert(authors)
    .values([0, 1, 2, 3].map((i) => ({ name: `${prefix}-${i}`, email: `${prefix}-${i}@example.test` })))
    .returning();
  const written = await db
    .insert(posts)
    .values(people.flatMap((a) => [0, 1].map((i) => ({ authorId: a.id, title: `post ${i} of ${a.name}` }))))
    .returning();
  await db.insert(comments).values(written.map((p) => ({ postId: p.id, body: `on ${p.title}` })));
  const rows = await db
    .select({ author: authors.name, post: posts.title, comment: comments.body })
    .from(authors)
    .innerJoin(posts, eq(posts.authorId, authors.id))
    .innerJoin(comments, eq(comments.postId, posts.id))
    .where(like(authors.name, `${prefix}-%`));
  expect(rows).toHaveLength(8);
}
