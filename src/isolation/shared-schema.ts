import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { quoteIdent, type Sql } from '../db/connect.js';
import { drizzleOver } from '../db/drizzle-db.js';
import { loadMigrations } from './migration-files.js';
import { migrateSchema } from './migrations.js';

/**
 * Migrate the shared schema once per run, serialized across concurrent runs. For `public` this is
 * the installed drizzle-orm's own migrator with its own journal (`drizzle.__drizzle_migrations`, in
 * that version's form: 1.0 adds `name` and brings a 0.x journal up to it), so a database
 * already migrated by `drizzle-kit migrate` gets only what is pending, and the two never disagree.
 * Another shared schema gets runtag's replay (drizzle-kit's "public". qualifiers moved to it) with
 * a journal inside that schema. Returns how many migrations were applied.
 */
export async function prepareSharedSchema(sql: Sql, schemaName: string, migrationsFolder: string): Promise<number> {
  const set = loadMigrations(migrationsFolder);
  if (schemaName !== 'public') {
    await sql.unsafe(`create schema if not exists ${quoteIdent(schemaName)}`);
    return migrateSchema(sql, schemaName, set);
  }
  const lock = await sql.reserve();
  try {
    await lock`select pg_advisory_lock(hashtext('runtag:migrate:shared'))`;
    try {
      const applied = async () => {
        const [journal] = await lock<{ exists: boolean }[]>`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
        if (!journal?.exists) return 0;
        const [row] = await lock<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
        return row!.n;
      };
      const before = await applied();
      await migrate(drizzleOver(sql), { migrationsFolder });
      return (await applied()) - before;
    } finally {
      await lock`select pg_advisory_unlock(hashtext('runtag:migrate:shared'))`;
    }
  } finally {
    lock.release();
  }
}
