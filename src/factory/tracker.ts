import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgDatabase, PgTable } from 'drizzle-orm/pg-core';
import { referencingFirst } from '../util/delete-order.js';
import { tableMeta } from './table-meta.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPgDatabase = PgDatabase<any, any, any>;

type PrimaryKey = Record<string, unknown>;

export class CleanupError extends Error {
  constructor(readonly failures: { table: string; keys: PrimaryKey[]; error: unknown }[]) {
    super(
      `runtag: cleanup could not delete rows from ${failures.length} table(s):\n` +
        failures
          .map(({ table, keys, error }) => `  - "${table}" (${keys.length} row(s), e.g. ${JSON.stringify(keys[0])}): ${describe(error)}`)
          .join('\n') +
        '\nA row created outside the factories probably still references them; delete it first or create it through a factory.',
    );
    this.name = 'CleanupError';
  }
}

/** Remembers the primary key of every row the factories created, to delete exactly those rows. */
export class RowTracker {
  private readonly rows = new Map<PgTable, PrimaryKey[]>();
  private deletedCount = 0;
  private trackedTotal = 0;

  track(table: PgTable, created: readonly Record<string, unknown>[]): void {
    const { primaryKey } = tableMeta(table);
    const list = this.rows.get(table) ?? [];
    for (const row of created) list.push(Object.fromEntries(primaryKey.map((k) => [k, row[k]])));
    this.rows.set(table, list);
    this.trackedTotal += created.length;
  }

  /** Rows tracked so far, including those already cleaned. */
  get createdCount(): number {
    return this.trackedTotal;
  }

  /** Rows deleted by cleanup so far. */
  get cleanedCount(): number {
    return this.deletedCount;
  }

  /**
   * Delete every tracked row, tables that reference others first. Every table is attempted;
   * failures are collected and thrown together once the rest is done.
   */
  async cleanup(db: AnyPgDatabase): Promise<number> {
    const failures: CleanupError['failures'] = [];
    let deleted = 0;
    for (const table of referencingFirst(this.rows.keys(), (table) => tableMeta(table).references)) {
      const keys = this.rows.get(table)!;
      try {
        for (let i = 0; i < keys.length; i += 1000) {
          const result = await db.delete(table).where(matchKeys(table, keys.slice(i, i + 1000)));
          deleted += (result as unknown as { count?: number }).count ?? 0;
        }
        this.rows.delete(table);
      } catch (error) {
        failures.push({ table: tableMeta(table).name, keys, error });
      }
    }
    this.deletedCount += deleted;
    if (failures.length > 0) throw new CleanupError(failures);
    return deleted;
  }
}

function matchKeys(table: PgTable, keys: PrimaryKey[]): SQL {
  const { primaryKey } = tableMeta(table);
  const column = (key: string) => (table as unknown as Record<string, PgColumn>)[key]!;
  if (primaryKey.length === 1) {
    const key = primaryKey[0]!;
    return inArray(column(key), keys.map((k) => k[key]));
  }
  return or(...keys.map((k) => and(...primaryKey.map((key) => eq(column(key), k[key])))))!;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ?? (error as Error).message ?? String(error);
}
