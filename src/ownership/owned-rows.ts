import { quoteIdent, type Sql } from '../db/connect.js';
import { RuntagError } from '../errors/runtag-error.js';
import { likePrefix } from '../run/tag.js';
import { readCatalog, type CatalogForeignKey, type CatalogTable } from './catalog.js';

/** A row as ownership needs it: the text of its key, its foreign-key columns and the columns others reference. */
export type RowValues = Record<string, string | null>;

export interface OwnershipScan {
  schema: string;
  /** Rows whose tag columns start with this prefix are owned (`<run key>-` or `<run key>-<scope>-`). */
  prefix?: string;
  /** Rows a factory of the run created (table → primary keys): owned whatever their values. */
  tracked?: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  /** The schema's tables, when the caller has them already (read at the run's start); else read now. */
  catalog?: CatalogTable[];
}

/** A row that is not owned but references an owned row: never deleted, and what it references is kept. */
export interface BlockingRow {
  table: string;
  key: RowValues;
  constraint: string;
  references: string;
  referencedKey: RowValues;
}

export interface OwnedRows {
  schema: string;
  tables: ReadonlyMap<string, CatalogTable>;
  /** table → primary key text → row. */
  owned: Map<string, Map<string, RowValues>>;
  blockers: BlockingRow[];
  /** Owned rows that must stay: referenced by a blocking row (or by another kept row). table → keys. */
  kept: Map<string, Set<string>>;
}

const tuple = (row: RowValues, columns: readonly string[]) => JSON.stringify(columns.map((c) => row[c] ?? null));
const from = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;

/**
 * Which rows of `schema` a run (or one scope of it) provably owns. A row is owned when
 *  (a) one of its own tag columns starts with the prefix, or
 *  (b) a factory of the run created it (tracked), or
 *  (c) its table has no tag column and every foreign key of it that points into a table where rows
 *      can be owned points at an owned row (at least one does).
 * Computed as a least fixed point, so self-references and foreign-key cycles give the same answer
 * in any order. Rows that reference owned rows without being owned are returned as blockers.
 */
export async function findOwnedRows(sql: Sql, scan: OwnershipScan): Promise<OwnedRows> {
  const catalog = scan.catalog ?? (await readCatalog(sql, scan.schema));
  const tables = new Map(catalog.map((t) => [t.name, t]));
  for (const name of scan.tracked?.keys() ?? []) {
    if (!tables.has(name)) throw new RuntagError('TRACKED_TABLE_MISSING', `relation "${name}" does not exist in schema "${scan.schema}"`);
  }
  const needed = neededColumns(catalog);
  const owned = new Map<string, Map<string, RowValues>>(catalog.map((t) => [t.name, new Map()]));
  const add = (table: CatalogTable, rows: readonly RowValues[]) => {
    let added = 0;
    for (const row of rows) {
      const key = tuple(row, table.primaryKey);
      if (!owned.get(table.name)!.has(key)) {
        owned.get(table.name)!.set(key, row);
        added++;
      }
    }
    return added;
  };
  const select = (table: CatalogTable) =>
    needed
      .get(table.name)!
      .map((c) => `${quoteIdent(c)}::text as ${quoteIdent(c)}`)
      .join(', ');
  const provable = catalog.filter((t) => t.primaryKey.length > 0);

  // (a) and (b): the seeds.
  for (const table of provable) {
    if (scan.prefix && table.tagColumns.length > 0) {
      const where = table.tagColumns.map((c) => `${quoteIdent(c)} like $1`).join(' or ');
      add(table, await sql.unsafe<RowValues[]>(`select ${select(table)} from ${from(scan.schema, table.name)} where ${where}`, [likePrefix(scan.prefix)]));
    }
    const tracked = scan.tracked?.get(table.name);
    if (tracked && tracked.length > 0) {
      const keys = table.primaryKey.map((c) =>
        tracked.map((k) => (k[c] === null || k[c] === undefined ? null : String(k[c] instanceof Date ? (k[c] as Date).toISOString() : k[c]))),
      );
      add(
        table,
        await sql.unsafe<RowValues[]>(
          `select ${select(table)} from ${from(scan.schema, table.name)} where ${inTuples(table, table.primaryKey, 1)}`,
          keys as never[],
        ),
      );
    }
  }

  // (c), to a fixed point: rows of tables without a tag column that hang only off owned rows.
  const ownable = ownableTables(catalog, scan);
  const derivable = provable.filter((t) => t.tagColumns.length === 0 && ownable.has(t.name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const table of derivable) {
      const into = table.foreignKeys.filter((fk) => ownable.has(fk.references) && owned.get(fk.references)!.size > 0);
      if (into.length === 0) continue;
      const candidates = await rowsReferencing(sql, scan.schema, table, into, owned, select(table));
      const parents = ownedParents(table, ownable, owned);
      if (
        add(
          table,
          candidates.filter((row) => referencesOnlyOwned(row, parents)),
        ) > 0
      )
        changed = true;
    }
  }

  // Rows that reference owned rows without being owned themselves.
  const blockers: BlockingRow[] = [];
  for (const table of catalog) {
    for (const fk of table.foreignKeys) {
      if (owned.get(fk.references)!.size === 0) continue;
      const columns = [...new Set([...table.primaryKey, ...fk.columns])];
      const rows = await rowsReferencing(sql, scan.schema, table, [fk], owned, columns.map((c) => `${quoteIdent(c)}::text as ${quoteIdent(c)}`).join(', '));
      for (const row of rows) {
        if (table.primaryKey.length > 0 && owned.get(table.name)!.has(tuple(row, table.primaryKey))) continue;
        blockers.push({
          table: table.name,
          key: Object.fromEntries((table.primaryKey.length > 0 ? table.primaryKey : fk.columns).map((c) => [c, row[c] ?? null])),
          constraint: fk.constraint,
          references: fk.references,
          referencedKey: Object.fromEntries(fk.referencedColumns.map((c, i) => [c, row[fk.columns[i]!] ?? null])),
        });
      }
    }
  }
  return { schema: scan.schema, tables, owned, blockers, kept: keptRows(owned, blockers, tables) };
}

/** Which columns of each table ownership reads: its key, its foreign keys, what others reference, its tag columns. */
function neededColumns(catalog: CatalogTable[]): Map<string, string[]> {
  const needed = new Map(catalog.map((t) => [t.name, new Set([...t.primaryKey, ...t.tagColumns, ...t.foreignKeys.flatMap((fk) => fk.columns)])]));
  for (const table of catalog) for (const fk of table.foreignKeys) for (const c of fk.referencedColumns) needed.get(fk.references)?.add(c);
  return new Map([...needed].map(([name, set]) => [name, [...set]]));
}

/** Tables that can hold owned rows: seeded ones, and tables without a tag column that have a foreign-key path to them. */
function ownableTables(catalog: CatalogTable[], scan: OwnershipScan): Set<string> {
  const ownable = new Set(catalog.filter((t) => (scan.prefix && t.tagColumns.length > 0) || (scan.tracked?.get(t.name)?.length ?? 0) > 0).map((t) => t.name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const table of catalog) {
      if (ownable.has(table.name) || table.tagColumns.length > 0) continue;
      if (table.foreignKeys.some((fk) => ownable.has(fk.references))) {
        ownable.add(table.name);
        changed = true;
      }
    }
  }
  return ownable;
}

/** For each foreign key of `table` into an ownable table: the referenced values of the owned rows there. */
function ownedParents(table: CatalogTable, ownable: Set<string>, owned: Map<string, Map<string, RowValues>>): Map<CatalogForeignKey, Set<string>> {
  const parents = new Map<CatalogForeignKey, Set<string>>();
  for (const fk of table.foreignKeys) {
    if (!ownable.has(fk.references)) continue;
    parents.set(fk, new Set([...owned.get(fk.references)!.values()].map((parent) => tuple(parent, fk.referencedColumns))));
  }
  return parents;
}

/** Every non-null foreign key into an ownable table points at an owned row, and at least one does. */
function referencesOnlyOwned(row: RowValues, parents: Map<CatalogForeignKey, Set<string>>): boolean {
  let any = false;
  for (const [fk, values] of parents) {
    if (fk.columns.some((c) => row[c] === null)) continue;
    if (!values.has(tuple(row, fk.columns))) return false;
    any = true;
  }
  return any;
}

/** Rows of `table` whose key under any of `fks` matches an owned row of the referenced table. */
async function rowsReferencing(
  sql: Sql,
  schema: string,
  table: CatalogTable,
  fks: CatalogForeignKey[],
  owned: Map<string, Map<string, RowValues>>,
  columns: string,
): Promise<RowValues[]> {
  const params: (string | null)[][] = [];
  const conditions = fks.map((fk) => {
    const parents = [...owned.get(fk.references)!.values()];
    const start = params.length + 1;
    for (const referenced of fk.referencedColumns) params.push(parents.map((row) => row[referenced] ?? null));
    return inTuples(table, fk.columns, start);
  });
  return sql.unsafe<RowValues[]>(`select ${columns} from ${from(schema, table.name)} where ${conditions.join(' or ')}`, params as never[]);
}

/** `(a, b) in (select x::ta, y::tb from unnest($n::text[], $n+1::text[]))`: typed, so indexes on the columns serve it. */
function inTuples(table: CatalogTable, columns: readonly string[], firstParam: number): string {
  if (columns.length === 1) {
    const column = columns[0]!;
    return `${quoteIdent(column)} = any($${firstParam}::text[]::${table.types[column]}[])`;
  }
  const list = columns.map(quoteIdent).join(', ');
  const casts = columns.map((c, i) => `u.c${i}::${table.types[c]}`).join(', ');
  const arrays = columns.map((_, i) => `$${firstParam + i}::text[]`).join(', ');
  const names = columns.map((_, i) => `c${i}`).join(', ');
  return `(${list}) in (select ${casts} from unnest(${arrays}) as u(${names}))`;
}

/** Owned rows a blocking row references must stay; so must whatever a kept row references. */
function keptRows(owned: Map<string, Map<string, RowValues>>, blockers: BlockingRow[], tables: ReadonlyMap<string, CatalogTable>): Map<string, Set<string>> {
  const kept = new Map<string, Set<string>>([...owned.keys()].map((name) => [name, new Set<string>()]));
  const keep = (table: string, referencedColumns: string[], values: RowValues): RowValues[] => {
    const found: RowValues[] = [];
    for (const [key, row] of owned.get(table)!) {
      if (kept.get(table)!.has(key) || tuple(row, referencedColumns) !== tuple(values, referencedColumns)) continue;
      kept.get(table)!.add(key);
      found.push(row);
    }
    return found;
  };
  const queue: { table: string; row: RowValues }[] = [];
  for (const blocker of blockers) {
    const fk = tables.get(blocker.table)!.foreignKeys.find((f) => f.constraint === blocker.constraint)!;
    for (const row of keep(blocker.references, fk.referencedColumns, blocker.referencedKey)) queue.push({ table: blocker.references, row });
  }
  while (queue.length > 0) {
    const { table, row } = queue.pop()!;
    for (const fk of tables.get(table)!.foreignKeys) {
      if (fk.columns.some((c) => row[c] === null)) continue;
      const values = Object.fromEntries(fk.referencedColumns.map((c, i) => [c, row[fk.columns[i]!] ?? null]));
      for (const parent of keep(fk.references, fk.referencedColumns, values)) queue.push({ table: fk.references, row: parent });
    }
  }
  return kept;
}
