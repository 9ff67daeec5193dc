import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { inTransaction, quoteIdent, type Sql } from '../db/connect.js';
import { isConnectionLoss } from '../db/connection-error.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { tolerateInstalledExtensions } from './extension-statements.js';

/** One drizzle-kit migration, with the file it came from (for messages). */
export interface Migration extends MigrationMeta {
  file: string;
}

/** drizzle-kit's migrations, read once and replayable into any schema. */
export interface MigrationSet {
  folder: string;
  migrations: readonly Migration[];
}

const JOURNAL_TABLE = '__drizzle_migrations';
/** drizzle-kit qualifies some names (enums, foreign key targets) with "public": its format, not the user's intent. */
const PUBLIC_QUALIFIER = /"public"\./g;

/**
 * Where drizzle-kit's output is when nobody said: `migrations/` (this project's convention) if it
 * holds a journal, else `drizzle/` (drizzle-kit's own default `out`) if that does.
 */
export function defaultMigrationsFolder(root: string): string {
  const found = ['migrations', 'drizzle'].find((name) => existsSync(join(root, name, 'meta', '_journal.json')));
  return join(root, found ?? 'migrations');
}

export function loadMigrations(folder: string): MigrationSet {
  let metas: MigrationMeta[];
  let files: string[];
  try {
    metas = readMigrationFiles({ migrationsFolder: folder });
    const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    files = journal.entries.map((entry) => `${entry.tag}.sql`);
  } catch (cause) {
    throw new RuntagError(
      'MIGRATIONS_NOT_FOUND',
      `runtag: cannot read migrations from "${folder}" (${(cause as Error).message}). ` +
        "Point runtag at drizzle-kit's output folder (the one holding meta/_journal.json, drizzle.config's `out`): in vitest.config, " +
        "test.provide: { runtagOptions: { migrationsFolder: 'drizzle' } } (Playwright: runtagGlobalSetup's options; runtag lint: --migrations). " +
        'Without it runtag looks in migrations/, then drizzle/. Run `npx drizzle-kit generate` to create it.',
      { cause },
    );
  }
  return { folder, migrations: metas.map((meta, index) => ({ ...meta, file: files[index] ?? `migration #${index}` })) };
}

/** The statements of `migration` as they run in `schema` (CREATE EXTENSION made IF NOT EXISTS: runtag installed it first). */
function statementsFor(migration: Migration, schema: string): string[] {
  return migration.sql.map((s) => tolerateInstalledExtensions(s.replace(PUBLIC_QUALIFIER, `${quoteIdent(schema)}.`))).filter((s) => s.trim() !== '');
}

/**
 * Replay the migrations into `schema` on `sql`, in one transaction and (when all goes well) one
 * round trip; the schema keeps its own journal table, so two schemas never skip each other's
 * migrations. What the statements may touch is decided by the role `sql` is logged in as: for a
 * per-file schema that is the file's own role, which owns nothing else (see scope-role.ts).
 * `check` runs before commit, inside the transaction. A failure names the file and the statement.
 */
export async function migrateSchema(
  sql: Sql,
  schema: string,
  set: MigrationSet,
  options: { searchPath?: readonly string[]; check?: (tx: Sql) => Promise<void> } = {},
): Promise<number> {
  const target = quoteIdent(schema);
  const searchPath = (options.searchPath ?? [schema]).map(quoteIdent).join(', ');
  const journal = `${target}.${quoteIdent(JOURNAL_TABLE)}`;
  const pendingOf = async (tx: Sql) => {
    await tx.unsafe(`create table if not exists ${journal} (id serial primary key, hash text not null, created_at bigint)`);
    const [last] = await tx.unsafe<{ created_at: string }[]>(`select created_at from ${journal} order by created_at desc limit 1`);
    return set.migrations.filter((m) => !last || m.folderMillis > Number(last.created_at));
  };
  const record = async (tx: Sql, pending: readonly Migration[]) => {
    for (const m of pending) await tx.unsafe(`insert into ${journal} (hash, created_at) values ($1, $2)`, [m.hash, m.folderMillis]);
  };
  try {
    return await inTransaction(sql, async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`runtag:migrate:${schema}`}))`;
      await tx.unsafe(`set local search_path to ${searchPath}`);
      const pending = await pendingOf(tx);
      if (pending.length === 0) return 0;
      await tx.unsafe(pending.flatMap((m) => statementsFor(m, schema)).join(';\n')).simple();
      await record(tx, pending);
      await options.check?.(tx);
      return pending.length;
    });
  } catch (error) {
    // Nothing to locate on a connection that is gone, and no query may go to it (see inTransaction).
    if (error instanceof MigrationEscapeError || isConnectionLoss(error)) throw error;
    throw await locateFailure(sql, schema, searchPath, set, pendingOf, error);
  }
}

/** The one-round-trip replay failed and was rolled back: replay statement by statement to name the culprit. */
async function locateFailure(
  sql: Sql,
  schema: string,
  searchPath: string,
  set: MigrationSet,
  pendingOf: (tx: Sql) => Promise<readonly Migration[]>,
  original: unknown,
): Promise<Error> {
  let found: Error | undefined;
  await sql
    .begin(async (tx) => {
      await tx.unsafe(`set local search_path to ${searchPath}`);
      for (const migration of await pendingOf(tx as unknown as Sql)) {
        for (const statement of statementsFor(migration, schema)) {
          try {
            await tx.unsafe(statement).simple();
          } catch (error) {
            found = migrationError(migration, statement, schema, error, set.folder);
            throw found;
          }
        }
      }
      // Every statement passed on its own: roll back all the same, and report the original failure.
      throw (found = migrationError(undefined, undefined, schema, original, set.folder));
    })
    .catch(() => {});
  return found ?? migrationError(undefined, undefined, schema, original, set.folder);
}

export class MigrationEscapeError extends RuntagError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MIGRATION_ESCAPE' satisfies CodeOf<'MigrationEscapeError'>, message, options);
  }
}

function migrationError(migration: Migration | undefined, statement: string | undefined, schema: string, error: unknown, folder: string): Error {
  const pg = error as { code?: string; message?: string };
  const where = migration ? `migration ${migration.file} in "${folder}"` : `replaying the migrations in "${folder}"`;
  const what = statement ? ` at the statement \`${statement.trim().replace(/\s+/g, ' ').slice(0, 200)}\`` : '';
  const escaped = pg.code === '42501'; // insufficient_privilege: it reached outside the file's schema
  const advice = escaped
    ? `runtag replays migrations into the test file's own schema "${schema}" as a role that owns only that schema, so a statement that ` +
      'writes to or creates objects in another schema (an explicit "public." or other schema name, SET search_path, CREATE SCHEMA) is refused. ' +
      'Leave schema names out of migrations (drizzle-kit does), or test such migrations with isolation "shared" against a database you migrate yourself.'
    : 'Fix the migration, or regenerate it with `npx drizzle-kit generate`.';
  const message = `runtag: ${where} failed${what}: ${pg.message ?? String(error)}. ${advice}`;
  return escaped ? new MigrationEscapeError(message, { cause: error }) : new RuntagError('MIGRATION_FAILED', message, { cause: error });
}
