// The test body's plain inserts (not a factory's) are the file's to delete, as in the plain variant, so every variant
// does the same work; this afterAll runs inside runtag's scope of the file, before runtag's own check of it.
import { or, sql } from 'drizzle-orm';
import { afterAll } from 'vitest';
import { authors } from '../src/schema.js';
import { written } from './written.js';

afterAll(async () => {
  const done = written.splice(0);
  if (done.length === 0) return;
  await done[0]!.db.delete(authors).where(or(...done.map(({ prefix }) => sql`${authors.name} like ${`${prefix}%`}`)));
});
