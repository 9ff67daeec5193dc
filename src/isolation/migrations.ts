import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { quoteIdent, type Sql } from '../db/connect.js';

/** drizzle-kit's migrations, read once and replayable into any schema. */
export interface MigrationSet {
  folder: string;
  migrations: readonly MigrationMeta[];
}

const JOURNAL_TABLE = '__drizzle_migrations';
/** drizzle-kit qualifies some names (enums, foreign key targets) with "public". */
const PUBLIC_QUALIFIER = /"public"\./g;
const REFUSED = [
  { pattern: /\bcreate\s+schema\b/i, why: 'creates a schema' },
  { pattern: /\bset\s+(local\s+)?search_path\b/i, why: 'changes search_path' },
];

export function loadMigrations(folder: string): MigrationSet {
  let migrations: MigrationMeta[];
  try {
    migrations = readMigrationFiles({ migrationsFolder: folder });
  } catch (cause) {
    throw new Error(
      `runtag: cannot read migrations from "${folder}" (${(cause as Error).message}). ` +
        'Point migrationsFolder at drizzle-kit\'s output folder (the one holding meta/_journal.json); run `npx drizzle-kit generate` to create it.',
      { cause },
    );
  }
  migrations.forEach((migration, index) => {
    for (const statement of migration.sql) {
      for (const { pattern, why } of REFUSED) {
        if (pattern.test(statement)) {
          throw new Error(
            `runtag: migration #${index} in "${folder}" ${why} (${statement.trim().slice(0, 80)}…). ` +
              'runtag replays migrations into one schema per test file and cannot relocate that statement. ' +
              'Move it out of the migrations, or use isolation "shared" with an already migrated schema.',
          );
        }
      }
    }
  });
  return { folder, migrations };
}

/**
 * Replay the migrations into `schema`: every statement runs with search_path = schema, explicit
 * "public". qualifiers are rewritten to the schema, and the schema keeps its own journal table,
 * so two schemas never skip each other's migrations. Concurrent callers for one schema serialize.
 */
export async function migrateSchema(sql: Sql, schema: string, set: MigrationSet): Promise<number> {
  const target = quoteIdent(schema);
  const journal = `${target}.${quoteIdent(JOURNAL_TABLE)}`;
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`runtag:migrate:${schema}`}))`;
    await tx.unsafe(`create schema if not exists ${target}`);
    await tx.unsafe(`set local search_path to ${target}`);
    await tx.unsafe(
      `create table if not exists ${journal} (id serial primary key, hash text not null, created_at bigint)`,
    );
    const [last] = await tx.unsafe<{ created_at: string }[]>(
      `select created_at from ${journal} order by created_at desc limit 1`,
    );
    const pending = set.migrations.filter((m) => !last || m.folderMillis > Number(last.created_at));
    if (pending.length === 0) return 0;
    // One round trip: the whole DDL as one multi-statement simple query.
    const ddl = pending.flatMap((m) => m.sql.map((s) => s.replace(PUBLIC_QUALIFIER, `${target}.`))).join(';\n');
    await tx.unsafe(ddl).simple();
    for (const m of pending) {
      await tx.unsafe(`insert into ${journal} (hash, created_at) values ($1, $2)`, [m.hash, m.folderMillis]);
    }
    return pending.length;
  });
}
