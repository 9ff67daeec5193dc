import { quoteIdent, type Sql } from '../db/connect.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { extensionStatements } from './extension-statements.js';
import type { Migration, MigrationSet } from './migration-files.js';

/** Where runtag installs extensions that migrations ask for and the database does not have yet. */
export const EXTENSION_SCHEMA = 'runtag_ext';
/** The comment on an extension runtag installed: which run did, so that run's failure can take it back. */
const INSTALLED_BY = 'runtag: installed for run ';

/** An extension the migrations need and the server cannot install. */
export class MissingExtensionError extends RuntagError {
  constructor(message: string) {
    super('MISSING_EXTENSION' satisfies CodeOf<'MissingExtensionError'>, message);
  }
}

interface Wanted {
  name: string;
  migration: Migration;
  statement: string;
}

/**
 * Extensions (citext, pgcrypto, uuid-ossp…) need more privilege than a file's role has, and must
 * outlive every file. So the admin installs each once, in a schema every file's search_path
 * includes; the migration's own CREATE EXTENSION (made IF NOT EXISTS) then finds it and does
 * nothing. Each one runtag installs carries a comment naming the run (from the admin connection's
 * application_name), so a run that fails can take back what it installed (dropExtensionsOfRun).
 * An extension the server does not have fails before anything is installed, naming the migration.
 * Returns the schemas holding the extensions, for search_path.
 */
export async function prepareExtensions(admin: Sql, set: MigrationSet): Promise<string[]> {
  const wanted = new Map<string, Wanted>();
  for (const migration of set.migrations) {
    for (const statement of migration.sql) {
      for (const found of extensionStatements(statement)) if (!wanted.has(found.name)) wanted.set(found.name, { name: found.name, migration, statement });
    }
  }
  const names = [...wanted.keys()];
  if (names.length === 0) return [];
  return admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('runtag:extensions'))`;
    const present = new Set((await tx<{ name: string }[]>`select extname as name from pg_extension where extname = any(${names})`).map((r) => r.name));
    const missing = names.filter((n) => !present.has(n));
    if (missing.length > 0) {
      const available = new Set((await tx<{ name: string }[]>`select name from pg_available_extensions where name = any(${missing})`).map((r) => r.name));
      const unavailable = missing.filter((n) => !available.has(n));
      if (unavailable.length > 0)
        throw await missingExtension(
          tx as unknown as Sql,
          unavailable.map((n) => wanted.get(n)!),
          set.folder,
        );
      const [{ app }] = (await tx`select current_setting('application_name') as app`) as unknown as [{ app: string }];
      const runId = /^runtag:([0-9a-z-]+)/.exec(app)?.[1];
      await tx.unsafe(`create schema if not exists ${quoteIdent(EXTENSION_SCHEMA)}`);
      await tx.unsafe(`grant usage on schema ${quoteIdent(EXTENSION_SCHEMA)} to public`);
      for (const name of missing) {
        await tx.unsafe(`create extension if not exists ${quoteIdent(name)} schema ${quoteIdent(EXTENSION_SCHEMA)}`);
        if (runId) await tx.unsafe(`comment on extension ${quoteIdent(name)} is ${quoteLiteral(`${INSTALLED_BY}${runId}`)}`);
      }
    }
    const rows = await tx<{ schema: string }[]>`
      select distinct n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
      where e.extname = any(${names}) and n.nspname <> 'pg_catalog' order by 1`;
    return rows.map((r) => r.schema);
  });
}

async function missingExtension(sql: Sql, missing: Wanted[], folder: string): Promise<MissingExtensionError> {
  const [{ version }] = (await sql`select current_setting('server_version') as version`) as unknown as [{ version: string }];
  const each = missing.map(
    (w) =>
      `migration ${w.migration.file} in "${folder}" needs the extension "${w.name}" (at the statement \`${w.statement.trim().replace(/\s+/g, ' ').slice(0, 200)}\`), ` +
      `but this PostgreSQL ${version} server does not have it (extension "${w.name}" is not available: not in pg_available_extensions)`,
  );
  return new MissingExtensionError(
    `runtag: ${each.join('; ')}. runtag installs the extensions migrations use before replaying them, and installed none. ` +
      `Install ${missing.length === 1 ? 'it' : 'them'} on the server (e.g. the OS package for PostgreSQL ${version.split('.')[0]}), ` +
      'or point DATABASE_URL at a server that has ' +
      `${missing.length === 1 ? 'it' : 'them'}: the embedded PostgreSQL ships only the extensions of PostgreSQL's own contrib.`,
  );
}

/**
 * Take back the extensions `runId` installed (their comment names it) and nothing depends on: for a
 * run that failed, so it leaves no extension behind that was not there before it. Kept while any
 * other live run is registered (it may be using one), and whenever something depends on one (a
 * column, a template). Under the lock prepareExtensions takes, so no run installs or finds one meanwhile.
 */
export async function dropExtensionsOfRun(admin: Sql, runId: string, otherLiveRuns: (tx: Sql) => Promise<number>): Promise<string[]> {
  return admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('runtag:extensions'))`;
    const mine = (
      await tx<{ name: string }[]>`
        select e.extname as name from pg_extension e
        where obj_description(e.oid, 'pg_extension') = ${`${INSTALLED_BY}${runId}`} order by 1`
    ).map((r) => r.name);
    if (mine.length === 0 || (await otherLiveRuns(tx as unknown as Sql)) > 0) return [];
    const dropped: string[] = [];
    for (const name of mine) {
      try {
        await tx.savepoint((sp) => sp.unsafe(`drop extension ${quoteIdent(name)} restrict`));
        dropped.push(name);
      } catch {
        // something depends on it: it stays
      }
    }
    return dropped;
  });
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
