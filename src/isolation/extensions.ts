import { quoteIdent, type Sql } from '../db/connect.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import type { Migration, MigrationSet } from './migrations.js';

/** Where runtag installs extensions that migrations ask for and the database does not have yet. */
export const EXTENSION_SCHEMA = 'runtag_ext';
/** The comment on an extension runtag installed: which run did, so that run's failure can take it back. */
const INSTALLED_BY = 'runtag: installed for run ';

/** A CREATE EXTENSION in migration SQL, found in the code only (not in comments or string literals). */
export interface ExtensionStatement {
  name: string;
  ifNotExists: boolean;
  /** Where `CREATE EXTENSION` starts and where the extension's name ends, in the text. */
  start: number;
  end: number;
}

/**
 * The text with comments (`--`, nested block comments), string literals ('…', E'…') and
 * dollar-quoted bodies blanked to spaces, keeping every offset: what the server would read as code.
 * Quoted identifiers are kept (`CREATE EXTENSION "uuid-ossp"` names its extension with one).
 */
export function sqlCode(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let k = i + 2;
      while (k < text.length && depth > 0) {
        if (text[k] === '/' && text[k + 1] === '*') (depth++, (k += 2));
        else if (text[k] === '*' && text[k + 1] === '/') (depth--, (k += 2));
        else k++;
      }
      blank(i, k);
      i = k;
    } else if (c === "'") {
      // E'…' strings take backslash escapes; standard strings only doubled quotes.
      const escapes = i > 0 && /[eE]/.test(text[i - 1]!) && (i < 2 || !/[\w$]/.test(text[i - 2]!));
      let k = i + 1;
      while (k < text.length) {
        if (escapes && text[k] === '\\') k += 2;
        else if (text[k] === "'" && text[k + 1] === "'") k += 2;
        else if (text[k] === "'") break;
        else k++;
      }
      blank(i, k + 1);
      i = k + 1;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      i = end === -1 ? text.length : end + 1;
    } else if (c === '$' && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
      const tag = /^\$([A-Za-z_][\w]*)?\$/.exec(text.slice(i))?.[0];
      if (!tag) {
        i++;
        continue;
      }
      const end = text.indexOf(tag, i + tag.length);
      const stop = end === -1 ? text.length : end + tag.length;
      blank(i, stop);
      i = stop;
    } else {
      i++;
    }
  }
  return out.join('');
}

const CREATE_EXTENSION = /\bcreate\s+extension\s+(if\s+not\s+exists\s+)?(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))/gi;

/** Every CREATE EXTENSION the server would run in `text`: comments and string literals do not count. */
export function extensionStatements(text: string): ExtensionStatement[] {
  return [...sqlCode(text).matchAll(CREATE_EXTENSION)].map((m) => ({
    name: m[2] !== undefined ? m[2].replaceAll('""', '"') : m[3]!.toLowerCase(),
    ifNotExists: m[1] !== undefined,
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/**
 * The statement as runtag replays it: every `CREATE EXTENSION x` becomes `CREATE EXTENSION IF NOT
 * EXISTS x`. Extensions are the database's, not a schema's: runtag installs them once before the
 * replay (see prepareExtensions), and the second file's replay would meet the first's anyway, so
 * the migration's own statement finds it and does nothing (its SCHEMA clause included).
 */
export function tolerateInstalledExtensions(statement: string): string {
  let result = statement;
  for (const found of extensionStatements(statement).reverse()) {
    if (found.ifNotExists) continue;
    const head = /^create\s+extension\s+/i.exec(result.slice(found.start))![0];
    const at = found.start + head.length;
    result = `${result.slice(0, at)}IF NOT EXISTS ${result.slice(at)}`;
  }
  return result;
}

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
      const available = new Set(
        (await tx<{ name: string }[]>`select name from pg_available_extensions where name = any(${missing})`).map((r) => r.name),
      );
      const unavailable = missing.filter((n) => !available.has(n));
      if (unavailable.length > 0) throw await missingExtension(tx as unknown as Sql, unavailable.map((n) => wanted.get(n)!), set.folder);
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
