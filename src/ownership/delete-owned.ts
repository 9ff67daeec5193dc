import { quoteIdent, type Sql } from '../db/connect.js';
import type { CatalogTable } from './catalog.js';
import type { OwnedRows, RowValues } from './owned-rows.js';

export interface KeptRow {
  table: string;
  key: RowValues;
  /** Why it could not be removed, e.g. which row that is not ours references it. */
  reason: string;
}

export interface Removal {
  deleted: number;
  /** Owned rows left in place: held by rows that are not ours, or in a cycle no nullable key breaks. */
  kept: KeptRow[];
}

interface Node {
  table: CatalogTable;
  key: string;
  row: RowValues;
  /** Owned, deletable rows this one references (it must go first). */
  parents: Set<Node>;
  /** Owned, deletable rows that reference this one. */
  children: Set<Node>;
}

const tuple = (row: RowValues, columns: readonly string[]) => JSON.stringify(columns.map((c) => row[c] ?? null));

/**
 * Delete owned rows in dependency order at row level: every row after all rows that reference it,
 * within a table too (self-references), in one transaction, one DELETE per table and level. A
 * row-level cycle is broken by setting a nullable foreign key of one of its rows to NULL first;
 * rows held by a row that is not ours are never deleted, nor is the row that holds them.
 */
export async function deleteOwnedRows(sql: Sql, found: OwnedRows): Promise<Removal> {
  const kept: KeptRow[] = [];
  for (const [table, keys] of found.kept) {
    for (const key of keys) {
      const row = found.owned.get(table)!.get(key)!;
      const holder = found.blockers.find((b) => b.references === table && Object.entries(b.referencedKey).every(([c, v]) => row[c] === v));
      kept.push({
        table,
        key: primaryKey(found.tables.get(table)!, row),
        reason: holder
          ? `referenced by ${holder.table} ${JSON.stringify(holder.key)} (constraint ${holder.constraint}), which is not this run's or scope's`
          : 'referenced by a kept row',
      });
    }
  }
  const nodes = graph(found);
  let deleted = 0;
  await sql.begin(async (tx) => {
    const remaining = new Set(nodes);
    while (remaining.size > 0) {
      const level = [...remaining].filter((node) => ![...node.children].some((child) => remaining.has(child)));
      if (level.length === 0) {
        const broken = await breakCycle(tx as unknown as Sql, found.schema, remaining);
        if (broken) continue;
        for (const node of remaining)
          kept.push({ table: node.table.name, key: primaryKey(node.table, node.row), reason: 'in a foreign-key cycle with no nullable column to break it' });
        break;
      }
      for (const [table, rows] of groupByTable(level)) {
        const result = await tx.unsafe(
          `delete from ${quoteIdent(found.schema)}.${quoteIdent(table.name)} where ${keyMatch(table, table.primaryKey)}`,
          keyParams(table.primaryKey, rows) as never[],
        );
        deleted += result.count;
      }
      for (const node of level) remaining.delete(node);
    }
  });
  return { deleted, kept };
}

function graph(found: OwnedRows): Node[] {
  const nodes: Node[] = [];
  const byReference = new Map<string, Node>(); // `${table}|${columns}|${values}` → node
  for (const [name, rows] of found.owned) {
    const table = found.tables.get(name)!;
    for (const [key, row] of rows) {
      if (found.kept.get(name)?.has(key)) continue;
      nodes.push({ table, key, row, parents: new Set(), children: new Set() });
    }
  }
  const referencedColumnSets = new Map<string, Set<string>>();
  for (const table of found.tables.values()) {
    for (const fk of table.foreignKeys) {
      const set = referencedColumnSets.get(fk.references) ?? new Set();
      set.add(JSON.stringify(fk.referencedColumns));
      referencedColumnSets.set(fk.references, set);
    }
  }
  for (const node of nodes) {
    for (const columns of referencedColumnSets.get(node.table.name) ?? []) {
      byReference.set(`${node.table.name}|${columns}|${tuple(node.row, JSON.parse(columns) as string[])}`, node);
    }
  }
  for (const node of nodes) {
    for (const fk of node.table.foreignKeys) {
      if (fk.columns.some((c) => node.row[c] === null)) continue;
      const parent = byReference.get(`${fk.references}|${JSON.stringify(fk.referencedColumns)}|${tuple(node.row, fk.columns)}`);
      if (!parent || parent === node) continue;
      node.parents.add(parent);
      parent.children.add(node);
    }
  }
  return nodes;
}

/** Set a nullable foreign key to NULL in rows of the cycle, so the cycle can be deleted. */
async function breakCycle(sql: Sql, schema: string, remaining: Set<Node>): Promise<boolean> {
  for (const node of remaining) {
    for (const fk of node.table.foreignKeys) {
      if (!fk.nullable || fk.columns.some((c) => node.row[c] === null)) continue;
      const parent = [...node.parents].find((p) => remaining.has(p) && p.table.name === fk.references);
      if (!parent) continue;
      await sql.unsafe(
        `update ${quoteIdent(schema)}.${quoteIdent(node.table.name)} set ${fk.columns.map((c) => `${quoteIdent(c)} = null`).join(', ')} where ${keyMatch(node.table, node.table.primaryKey)}`,
        keyParams(node.table.primaryKey, [node]) as never[],
      );
      for (const c of fk.columns) node.row[c] = null;
      node.parents.delete(parent);
      parent.children.delete(node);
      return true;
    }
  }
  return false;
}

function groupByTable(nodes: Node[]): Map<CatalogTable, Node[]> {
  const groups = new Map<CatalogTable, Node[]>();
  for (const node of nodes) {
    const group = groups.get(node.table);
    if (group) group.push(node);
    else groups.set(node.table, [node]);
  }
  return groups;
}

function keyMatch(table: CatalogTable, columns: readonly string[]): string {
  if (columns.length === 1) return `${quoteIdent(columns[0]!)} = any($1::text[]::${table.types[columns[0]!]}[])`;
  const casts = columns.map((c, i) => `u.c${i}::${table.types[c]}`).join(', ');
  return `(${columns.map(quoteIdent).join(', ')}) in (select ${casts} from unnest(${columns.map((_, i) => `$${i + 1}::text[]`).join(', ')}) as u(${columns.map((_, i) => `c${i}`).join(', ')}))`;
}

function keyParams(columns: readonly string[], nodes: readonly Node[]): (string | null)[][] {
  return columns.map((c) => nodes.map((node) => node.row[c] ?? null));
}

function primaryKey(table: CatalogTable, row: RowValues): RowValues {
  return Object.fromEntries(table.primaryKey.map((c) => [c, row[c] ?? null]));
}
