import type { Sql } from '../db/connect.js';
import { isTagColumn } from './tag-columns.js';

export interface CatalogForeignKey {
  constraint: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
  /** Every column of the key can be set to NULL (how a row-level cycle is broken before deleting). */
  nullable: boolean;
}

/** A table as the database sees it: enough to prove which rows a run owns and to delete them in order. */
export interface CatalogTable {
  name: string;
  primaryKey: string[];
  /** Column name → SQL type, for typed array parameters. */
  types: Record<string, string>;
  /** The tag columns (see tag-columns.ts): where factories put the run tag, and the scan looks for it. */
  tagColumns: string[];
  foreignKeys: CatalogForeignKey[];
}

/** Journal tables hold no test data. */
const IGNORED_TABLES = new Set(['__drizzle_migrations']);

export async function readCatalog(sql: Sql, schema: string): Promise<CatalogTable[]> {
  // Sent together: postgres.js pipelines them, so the catalog costs about one round trip, not four.
  const [tables, columns, unique, fks] = await Promise.all([
    sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`,
    sql<{ table: string; column: string; type: string; typeName: string }[]>`
    select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type, t.typname as "typeName"
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace join pg_type t on t.oid = a.atttypid
    where n.nspname = ${schema} and a.attnum > 0 and not a.attisdropped`,
    // Columns of unique indexes: plain ones from indkey, those inside expressions from pg_depend.
    sql<{ table: string; column: string; primary: boolean; position: number }[]>`
    select c.relname as table, a.attname as column, i.indisprimary as primary, k.ord::int as position
    from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
    where n.nspname = ${schema} and i.indisunique and k.attnum > 0
    union all
    select c.relname, a.attname, false, 0
    from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = i.indexrelid and d.refobjid = c.oid and d.refobjsubid > 0
    join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
    where n.nspname = ${schema} and i.indisunique and i.indexprs is not null`,
    // Every foreign key of the schema's tables: those into another schema too make a column no tag column.
    sql<{ table: string; constraint: string; references: string; columns: string[]; referenced: string[]; nullable: boolean; local: boolean }[]>`
    select c.relname as table, rn.nspname = ${schema} as local, k.conname as constraint, rc.relname as references,
           array(select attname from unnest(k.conkey) with ordinality u(n, o) join pg_attribute on attrelid = k.conrelid and attnum = u.n order by o) as columns,
           array(select attname from unnest(k.confkey) with ordinality u(n, o) join pg_attribute on attrelid = k.confrelid and attnum = u.n order by o) as referenced,
           not exists (select 1 from unnest(k.conkey) u(n) join pg_attribute on attrelid = k.conrelid and attnum = u.n where attnotnull) as nullable
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_class rc on rc.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace join pg_namespace rn on rn.oid = rc.relnamespace
    where n.nspname = ${schema} and k.contype = 'f'`,
  ]);
  return tables
    .filter((t) => !IGNORED_TABLES.has(t.name))
    .map(({ name }) => {
      const primaryKey = unique
        .filter((u) => u.table === name && u.primary)
        .sort((a, b) => a.position - b.position)
        .map((u) => u.column);
      const uniqueColumns = new Set(unique.filter((u) => u.table === name).map((u) => u.column));
      const own = fks.filter((f) => f.table === name);
      // Ownership follows keys within the schema only.
      const foreignKeys = own
        .filter((f) => f.local)
        .map((f) => ({ constraint: f.constraint, columns: f.columns, references: f.references, referencedColumns: f.referenced, nullable: f.nullable }));
      const foreignKeyColumns = new Set(own.flatMap((fk) => fk.columns));
      const tableColumns = columns.filter((c) => c.table === name);
      const tagColumns = tableColumns
        .filter((c) =>
          isTagColumn({
            type: c.typeName,
            unique: uniqueColumns.has(c.column),
            primaryKey: primaryKey.includes(c.column),
            foreignKey: foreignKeyColumns.has(c.column),
          }),
        )
        .map((c) => c.column)
        .sort();
      return { name, primaryKey, types: Object.fromEntries(tableColumns.map((c) => [c.column, c.type])), tagColumns, foreignKeys };
    });
}
