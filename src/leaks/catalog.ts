import type { Sql } from '../db/connect.js';

/** A table as the database sees it: enough to find and delete rows that carry a run's tag. */
export interface CatalogTable {
  name: string;
  primaryKey: string[];
  /** String columns under a unique index: where factories put the run tag. */
  tagColumns: string[];
  foreignKeys: { columns: string[]; references: string; referencedColumns: string[] }[];
}

/** Journal tables hold no test data. */
const IGNORED_TABLES = new Set(['__drizzle_migrations']);

export async function readCatalog(sql: Sql, schema: string): Promise<CatalogTable[]> {
  const tables = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`;
  const keys = await sql<{ table: string; columns: string[]; primary: boolean; string_only: boolean }[]>`
    select c.relname as table, i.indisprimary as primary,
           array_agg(a.attname order by k.ord) as columns,
           bool_and(t.typcategory = 'S') as string_only
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
    join pg_type t on t.oid = a.atttypid
    where n.nspname = ${schema} and i.indisunique
    group by c.relname, i.indexrelid, i.indisprimary`;
  const fks = await sql<{ table: string; references: string; columns: string[]; referenced: string[] }[]>`
    select c.relname as table, rc.relname as references,
           array(select attname from unnest(k.conkey) with ordinality u(n, o) join pg_attribute on attrelid = k.conrelid and attnum = u.n order by o) as columns,
           array(select attname from unnest(k.confkey) with ordinality u(n, o) join pg_attribute on attrelid = k.confrelid and attnum = u.n order by o) as referenced
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class rc on rc.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and k.contype = 'f'`;
  return tables
    .filter((t) => !IGNORED_TABLES.has(t.name))
    .map(({ name }) => ({
      name,
      primaryKey: keys.find((k) => k.table === name && k.primary)?.columns ?? [],
      tagColumns: [
        ...new Set(keys.filter((k) => k.table === name && k.string_only && k.columns.length === 1).flatMap((k) => k.columns)),
      ],
      foreignKeys: fks
        .filter((f) => f.table === name)
        .map((f) => ({ columns: f.columns, references: f.references, referencedColumns: f.referenced })),
    }));
}
