import { quoteIdent, type Sql } from '../db/connect.js';
import type { MigrationSet } from './migrations.js';

/** Where runtag installs extensions that migrations ask for and the database does not have yet. */
export const EXTENSION_SCHEMA = 'runtag_ext';
const CREATE_EXTENSION = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("?)([\w-]+)\1/gi;

/**
 * Extensions (citext, pgcrypto, uuid-ossp…) need more privilege than a file's role has, and must
 * outlive every file. So the admin installs each once, in a schema every file's search_path
 * includes; the migration's own CREATE EXTENSION IF NOT EXISTS then finds it and does nothing.
 * Returns the schemas holding the extensions, for search_path.
 */
export async function prepareExtensions(admin: Sql, set: MigrationSet): Promise<string[]> {
  const wanted = [...new Set(set.migrations.flatMap((m) => m.sql.flatMap((s) => [...s.matchAll(CREATE_EXTENSION)].map((match) => match[2]!.toLowerCase()))))];
  if (wanted.length === 0) return [];
  return admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('runtag:extensions'))`;
    const present = new Set((await tx<{ name: string }[]>`select extname as name from pg_extension where extname = any(${wanted})`).map((r) => r.name));
    if (wanted.some((name) => !present.has(name))) {
      await tx.unsafe(`create schema if not exists ${quoteIdent(EXTENSION_SCHEMA)}`);
      await tx.unsafe(`grant usage on schema ${quoteIdent(EXTENSION_SCHEMA)} to public`);
      for (const name of wanted.filter((n) => !present.has(n))) {
        await tx.unsafe(`create extension if not exists ${quoteIdent(name)} schema ${quoteIdent(EXTENSION_SCHEMA)}`);
      }
    }
    const rows = await tx<{ schema: string }[]>`
      select distinct n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
      where e.extname = any(${wanted}) and n.nspname <> 'pg_catalog' order by 1`;
    return rows.map((r) => r.schema);
  });
}
