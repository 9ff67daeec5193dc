import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { expect, test } from './chat-test.js';

// LobeChat's embeddings need pgvector. This project's migration only mentions it in a comment,
// which a replay must not run: the server has no pgvector, so running it would fail the run.
test('a CREATE EXTENSION inside a SQL comment is not installed', async ({ db }) => {
  const migration = readFileSync(new URL('../migrations/0000_init.sql', import.meta.url), 'utf8');
  expect(migration.split('\n')[0]).toBe('-- CREATE EXTENSION vector removed, pgvector is not on the CI server');

  expect([...(await db.execute(sql`select name from pg_available_extensions where name = 'vector'`))]).toEqual([]);
  expect([...(await db.execute(sql`select extname from pg_extension where extname = 'vector'`))]).toEqual([]);
  // The rest of the migration ran: the enum is there.
  expect([...(await db.execute(sql`select enum_range(null::message_role)::text as roles`))]).toEqual([{ roles: '{user,assistant,system,tool}' }]);
});
