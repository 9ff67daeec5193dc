import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { expect, test } from './runtag.js';

// The journal runtag keeps in a file's schema is in the form this drizzle-orm's own migrator reads:
// pointed at it, the migrator finds nothing pending (a journal in the wrong form would make it replay
// CREATE TABLE, or refuse the journal). With isolation "shared" it is drizzle's own journal.
// On the run's own connection: drizzle's migrate() starts with CREATE SCHEMA IF NOT EXISTS, which a
// file's role may not run.
test("drizzle's own migrate() finds the schema up to date", async ({ db, runtag }) => {
  const rows = (await db.execute(sql`select current_schema() as name`)) as unknown as { name: string }[];
  const tables = rows[0]!.name;
  const schema = runtag.config.isolation === 'shared' ? 'drizzle' : tables;
  // Anything it took for pending would run against the file's tables, and fail on them.
  const client = postgres(runtag.config.databaseUrl, { max: 1, onnotice: () => {}, connection: { search_path: tables } });
  try {
    await migrate(drizzle({ client }), { migrationsFolder: runtag.config.migrationsFolder, migrationsSchema: schema });
    const [journal] = await client.unsafe(`select count(*)::int as n from "${schema}".__drizzle_migrations`);
    expect(journal!.n).toBe(2);
  } finally {
    await client.end();
  }
});
