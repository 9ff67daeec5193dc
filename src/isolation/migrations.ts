import { inTransaction, quoteIdent, type Sql } from '../db/connect.js';
import { isConnectionLoss } from '../db/connection-error.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { tolerateInstalledExtensions } from './extension-statements.js';
import type { Migration, MigrationSet } from './migration-files.js';
import { MigrationJournalError, schemaJournal, type SchemaJournal } from './migration-journal.js';

/** drizzle-kit qualifies some names (enums, foreign key targets) with "public": its format, not the user's intent. */
const PUBLIC_QUALIFIER = /"public"\./g;

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
  const searchPath = (options.searchPath ?? [schema]).map(quoteIdent).join(', ');
  const journal = schemaJournal(schema, set);
  try {
    return await inTransaction(sql, async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`runtag:migrate:${schema}`}))`;
      await tx.unsafe(`set local search_path to ${searchPath}`);
      const pending = await journal.pending(tx);
      if (pending.length === 0) return 0;
      await tx.unsafe(pending.flatMap((m) => statementsFor(m, schema)).join(';\n')).simple();
      await journal.record(tx, pending);
      await options.check?.(tx);
      return pending.length;
    });
  } catch (error) {
    // Nothing to locate on a connection that is gone, and no query may go to it (see inTransaction);
    // nor in a journal that does not match the folder (no statement ran).
    if (error instanceof MigrationEscapeError || error instanceof MigrationJournalError || isConnectionLoss(error)) throw error;
    throw await locateFailure(sql, schema, searchPath, set, journal, error);
  }
}

/** The one-round-trip replay failed and was rolled back: replay statement by statement to name the culprit. */
async function locateFailure(sql: Sql, schema: string, searchPath: string, set: MigrationSet, journal: SchemaJournal, original: unknown): Promise<Error> {
  let found: Error | undefined;
  await sql
    .begin(async (tx) => {
      await tx.unsafe(`set local search_path to ${searchPath}`);
      for (const migration of await journal.pending(tx as unknown as Sql)) {
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
