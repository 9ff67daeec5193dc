import { quoteIdent, type Sql } from '../db/connect.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import type { Migration, MigrationSet } from './migration-files.js';

const JOURNAL_TABLE = '__drizzle_migrations';

/**
 * The journal table a schema keeps of the migrations replayed into it, in the form the drizzle-orm
 * that reads the folder's layout keeps its own, and read the way that version reads it:
 * - drizzle-kit 0.x's journal layout: (id, hash, created_at); pending is every migration newer than
 *   the latest created_at (drizzle-orm 0.x's `created_at < folderMillis`).
 * - drizzle-kit 1.0's folders: (id, hash, created_at, name, applied_at); pending is every migration
 *   whose name is not recorded (drizzle-orm 1.0's getMigrationsToRun), so one merged in with an
 *   older timestamp still runs. A journal kept in 0.x's form is first brought to 1.0's, names
 *   matched by timestamp and hash as drizzle-orm 1.0's own upgrade does.
 * So drizzle's own migrator, pointed at the schema (migrationsSchema), agrees with runtag.
 */
export interface SchemaJournal {
  /** Creates (or upgrades) the table, then returns the migrations it has not recorded, in the folder's order. */
  pending(tx: Sql): Promise<Migration[]>;
  record(tx: Sql, applied: readonly Migration[]): Promise<void>;
}

/** The journal could not be matched with the folder: what is recorded is not among the migrations. */
export class MigrationJournalError extends RuntagError {
  constructor(message: string) {
    super('MIGRATION_JOURNAL_MISMATCH' satisfies CodeOf<'MigrationJournalError'>, message);
  }
}

export function schemaJournal(schema: string, set: MigrationSet): SchemaJournal {
  const table = `${quoteIdent(schema)}.${quoteIdent(JOURNAL_TABLE)}`;
  return set.layout === 'journal' ? byTimestamp(table, set) : byName(table, schema, set);
}

function byTimestamp(table: string, set: MigrationSet): SchemaJournal {
  return {
    async pending(tx) {
      await tx.unsafe(`create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`);
      const [last] = await tx.unsafe<{ created_at: string }[]>(`select created_at from ${table} order by created_at desc limit 1`);
      return set.migrations.filter((m) => !last || m.folderMillis > Number(last.created_at));
    },
    async record(tx, applied) {
      for (const m of applied) await tx.unsafe(`insert into ${table} (hash, created_at) values ($1, $2)`, [m.hash, m.folderMillis]);
    },
  };
}

function byName(table: string, schema: string, set: MigrationSet): SchemaJournal {
  return {
    async pending(tx) {
      const [found] = await tx.unsafe<{ columns: string[] | null }[]>(
        `select array_agg(attname::text) as columns from pg_attribute where attrelid = to_regclass($1) and attnum > 0 and not attisdropped`,
        [table],
      );
      const columns = found?.columns ?? [];
      if (columns.length === 0) {
        await tx.unsafe(
          `create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint, name text, applied_at timestamp with time zone default now())`,
        );
        return [...set.migrations];
      }
      if (!columns.includes('name')) await nameRecordedMigrations(tx, table, schema, set);
      const recorded = new Set((await tx.unsafe<{ name: string | null }[]>(`select name from ${table}`)).map((r) => r.name).filter((n) => n !== null));
      return set.migrations.filter((m) => !recorded.has(m.name));
    },
    async record(tx, applied) {
      for (const m of applied) await tx.unsafe(`insert into ${table} (hash, created_at, name) values ($1, $2, $3)`, [m.hash, m.folderMillis, m.name]);
    },
  };
}

/**
 * drizzle-orm 1.0's upgrade of a 0.x journal: each row is matched to a migration by its created_at
 * to the second (1.0's folder names keep no milliseconds), by hash among several of that second or
 * when none has it; the names are written in and the columns added.
 */
async function nameRecordedMigrations(tx: Sql, table: string, schema: string, set: MigrationSet): Promise<void> {
  const rows = await tx.unsafe<{ id: number; hash: string; created_at: string | null }[]>(`select id, hash, created_at from ${table} order by id`);
  const bySecond = new Map<number, Migration[]>();
  for (const m of set.migrations) bySecond.set(m.folderMillis, [...(bySecond.get(m.folderMillis) ?? []), m]);
  const byHash = new Map(set.migrations.map((m) => [m.hash, m]));
  const named: [id: number, name: string][] = [];
  const unmatched: number[] = [];
  for (const row of rows) {
    const second = Math.floor(Number(row.created_at) / 1000) * 1000;
    const candidates = bySecond.get(second) ?? [];
    const match = candidates.length === 1 ? candidates[0] : candidates.length > 1 ? candidates.find((m) => m.hash === row.hash) : byHash.get(row.hash);
    if (match) named.push([row.id, match.name]);
    else unmatched.push(row.id);
  }
  if (unmatched.length > 0) {
    throw new MigrationJournalError(
      `runtag: the journal ${table} of schema "${schema}" records ${unmatched.length} migration(s) (ids ${unmatched.join(', ')}) that match none in "${set.folder}" ` +
        "by timestamp or hash, so runtag cannot tell which of the folder's migrations it has. Restore the missing migrations, or drop the schema so that runtag migrates it afresh.",
    );
  }
  await tx.unsafe(`alter table ${table} add column if not exists name text, add column if not exists applied_at timestamp with time zone default now()`);
  for (const [id, name] of named) await tx.unsafe(`update ${table} set name = $1, applied_at = null where id = $2`, [name, id]);
}
