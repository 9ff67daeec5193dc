import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { RuntagError } from '../errors/runtag-error.js';
import { isTagColumn } from '../ownership/tag-columns.js';
import { dataTypeOf, sqlTypeOf } from './drizzle-column.js';

/** What factories and cleanup need to know about a table, read once from its Drizzle definition. */
export interface TableMeta {
  name: string;
  columnCount: number;
  /** Property keys (not SQL names) of the primary key columns. */
  primaryKey: string[];
  /** The tag columns (see ownership/tag-columns.ts): their *generated* values get the run tag. */
  tagColumns: { key: string; sqlName: string; maxLength: number | undefined }[];
  /** Every column, for checking values before they reach the database. */
  columns: ColumnMeta[];
  /** Tables this one references (its rows must be deleted before theirs). */
  references: PgTable[];
}

export interface ColumnMeta {
  key: string;
  /** Drizzle's column, for what only it knows: enum values, numeric precision, an array's element column. */
  column: PgColumn;
  /** As PostgreSQL names it: "integer", "numeric(10, 2)", "text[]". */
  sqlType: string;
  sqlName: string;
  /** Drizzle's data type in 0.x's words for either major (see dataTypeOf): 'string', 'number', 'date', 'boolean', 'json', 'bigint', 'array', … */
  dataType: string;
  columnType: string;
  maxLength: number | undefined;
  notNull: boolean;
  hasDefault: boolean;
}

const cache = new WeakMap<PgTable, TableMeta>();

export function tableMeta(table: PgTable): TableMeta {
  let meta = cache.get(table);
  if (!meta) {
    meta = readMeta(table);
    cache.set(table, meta);
  }
  return meta;
}

/** A table's columns with their property keys (not SQL names), in declaration order. */
export function tableColumns(table: PgTable): [key: string, column: PgColumn][] {
  const { columns } = getTableConfig(table);
  return Object.entries(table as unknown as Record<string, unknown>).filter((entry): entry is [string, PgColumn] => columns.includes(entry[1] as PgColumn));
}

function readMeta(table: PgTable): TableMeta {
  const config = getTableConfig(table);
  const columns = tableColumns(table);
  const keyBySqlName = new Map(columns.map(([key, column]) => [column.name, key]));

  const primaryKey = columns.filter(([, c]) => c.primary).map(([key]) => key);
  for (const pk of config.primaryKeys) primaryKey.push(...pk.columns.map((c) => keyBySqlName.get(c.name)!));
  if (primaryKey.length === 0) {
    throw new RuntagError(
      'NO_PRIMARY_KEY',
      `runtag: table "${config.name}" has no primary key, so runtag cannot track and delete the rows it creates. Add one.`,
    );
  }

  const uniqueSqlNames = new Set<string>();
  for (const [, column] of columns) if (column.isUnique || column.primary) uniqueSqlNames.add(column.name);
  for (const constraint of config.uniqueConstraints) for (const c of constraint.columns) uniqueSqlNames.add(c.name);
  for (const pk of config.primaryKeys) for (const c of pk.columns) uniqueSqlNames.add(c.name);
  for (const index of config.indexes) {
    if (!index.config.unique) continue;
    for (const c of index.config.columns) for (const name of columnNamesIn(c)) uniqueSqlNames.add(name);
  }

  const foreignKeyColumns = new Set(config.foreignKeys.flatMap((fk) => fk.reference().columns.map((c) => c.name)));
  const primaryKeyColumns = new Set(primaryKey.map((key) => (table as unknown as Record<string, PgColumn>)[key]!.name));
  const tagColumns = columns
    .filter(([, c]) =>
      isTagColumn({
        type: sqlTypeOf(c),
        unique: uniqueSqlNames.has(c.name),
        primaryKey: primaryKeyColumns.has(c.name),
        foreignKey: foreignKeyColumns.has(c.name),
      }),
    )
    .map(([key, c]) => ({ key, sqlName: c.name, maxLength: (c as unknown as { length?: number }).length }));
  const columnMetas = columns.map(([key, c]) => ({
    key,
    column: c,
    sqlType: sqlTypeOf(c),
    sqlName: c.name,
    dataType: dataTypeOf(c),
    columnType: c.columnType,
    maxLength: (c as unknown as { length?: number }).length,
    notNull: c.notNull,
    hasDefault:
      c.hasDefault ||
      (c as unknown as { generated?: unknown }).generated !== undefined ||
      (c as unknown as { generatedIdentity?: unknown }).generatedIdentity !== undefined,
  }));

  const references = config.foreignKeys.map((fk) => fk.reference().foreignTable).filter((target) => target !== table);

  return { name: config.name, columnCount: config.columns.length, primaryKey, tagColumns, columns: columnMetas, references };
}

/** Columns an index entry uses: a column, or the columns inside an expression such as lower(email). */
function columnNamesIn(entry: unknown): string[] {
  if (!entry || typeof entry !== 'object') return [];
  const chunks = (entry as { queryChunks?: unknown[] }).queryChunks;
  if (Array.isArray(chunks)) return chunks.flatMap(columnNamesIn);
  // A column, or an indexed column (with an operator class such as text_pattern_ops).
  return typeof (entry as { name?: unknown }).name === 'string' ? [(entry as { name: string }).name] : [];
}
