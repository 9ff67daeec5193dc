// The test body's plain inserts (not a factory's) are the file's to delete, as in the plain variant, so every variant
// does the same work; registered after installRuntag's hooks, so this runs before runtag's own check of the file.
import { sql } from 'drizzle-orm';
import { currentRuntime } from 'runtag/vitest';
import { afterAll } from 'vitest';
import { authors } from '../src/schema.js';

afterAll(async () => {
  const runtime = currentRuntime();
  await runtime.db.delete(authors).where(sql`${authors.name} like ${`${runtime.session.tag.prefix}%`}`);
});
