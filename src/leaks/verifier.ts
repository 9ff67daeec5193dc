import type { Sql } from '../db/connect.js';
import type { CatalogTable } from '../ownership/catalog.js';
import { deleteOwnedRows, type KeptRow, type Removal } from '../ownership/delete-owned.js';
import { findOwnedRows, type BlockingRow, type RowValues } from '../ownership/owned-rows.js';

export interface RowLeak {
  schema: string;
  table: string;
  /** Rows left behind that could be removed. */
  count: number;
  /** Rows that cannot be removed yet: rows that are not this run's (or scope's) reference them. */
  held: number;
  /** Primary keys of up to five of the rows. */
  sampleKeys: Record<string, unknown>[];
  /** Primary keys (as text) of all removable rows, and of the held ones. */
  keys: RowValues[];
  heldKeys: RowValues[];
  /** Scopes (files/workers) whose tag the rows carry; empty for rows owned only through foreign keys. */
  scopes: string[];
  /** The rows that hold them. */
  heldBy: BlockingRow[];
}

const SAMPLE_SIZE = 5;

/**
 * Finds what a run (or one scope of it) left behind, by the one ownership model runtag has (see
 * ownership/owned-rows.ts): its own tag in a row's tag column, or untagged rows hanging only off
 * such rows. Rows and schemas of other runs, live or not, are never reported or touched.
 */
export class LeakVerifier {
  constructor(
    private readonly sql: Sql,
    /** The run's key: its tags start with `<key>-`. */
    readonly runKey: string,
  ) {}

  /** `<run>-` for the whole run, `<run>-<scope>-` for one file or worker. */
  prefix(scope?: string): string {
    return scope ? `${this.runKey}-${scope}-` : `${this.runKey}-`;
  }

  /** `catalog`: the schema's tables, when the caller read them already (see RunConfig.sharedCatalog). */
  async findRows(schema: string, scope?: string, catalog?: CatalogTable[]): Promise<RowLeak[]> {
    const found = await findOwnedRows(this.sql, { schema, prefix: this.prefix(scope), catalog });
    const runPrefix = this.prefix();
    const leaks: RowLeak[] = [];
    for (const [name, rows] of found.owned) {
      if (rows.size === 0) continue;
      const table = found.tables.get(name)!;
      const kept = found.kept.get(name)!;
      const primaryKeyOf = (row: RowValues) => Object.fromEntries(table.primaryKey.map((c) => [c, row[c] ?? null]));
      const values = [...rows].filter(([key]) => !kept.has(key)).map(([, row]) => row);
      const scopes = new Set<string>();
      for (const row of rows.values()) {
        for (const column of table.tagColumns) {
          const value = row[column];
          if (value?.startsWith(runPrefix)) scopes.add(value.slice(runPrefix.length).split('-')[0]!);
        }
      }
      leaks.push({
        schema,
        table: name,
        count: values.length,
        held: kept.size,
        sampleKeys: values.slice(0, SAMPLE_SIZE).map((row) => primaryKeyOf(row)),
        keys: values.map(primaryKeyOf),
        heldKeys: [...kept].map((key) => primaryKeyOf(rows.get(key)!)),
        scopes: [...scopes].sort(),
        heldBy: found.blockers.filter((b) => b.references === name),
      });
    }
    return leaks.sort((a, b) => a.table.localeCompare(b.table));
  }

  /** Delete what this run (or scope) owns in `schema`, in dependency order; what others hold is kept and returned. */
  async deleteRows(schema: string, scope?: string): Promise<Removal> {
    const found = await findOwnedRows(this.sql, { schema, prefix: this.prefix(scope) });
    return deleteOwnedRows(this.sql, found);
  }
}

export type { KeptRow, Removal };

/** "users {"id":"…"}: referenced by bookings …" lines for messages. */
export function describeKept(kept: readonly KeptRow[], limit = 5): string {
  const lines = kept.slice(0, limit).map((k) => `${k.table} ${JSON.stringify(k.key)}: ${k.reason}`);
  return lines.join('; ') + (kept.length > limit ? `; and ${kept.length - limit} more` : '');
}
