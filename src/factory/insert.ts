import type { PgTable } from 'drizzle-orm/pg-core';
import { directInsert, insertRows, MAX_BIND_PARAMETERS } from './bulk-insert.js';
import { explainInsertError } from './constraint-error.js';
import type { DatabaseBinding } from './db-binding.js';
import { tableMeta } from './table-meta.js';

/**
 * The insert path of a factory: its built rows into the database through the session's binding,
 * in a savepoint when that is a test's transaction (an expected constraint error then aborts only
 * the insert), and a database error turned into one that names the factory, table, constraint
 * and values (FactoryConstraintError, FactoryValueError, AbortedTransactionError).
 */
export async function insertBuilt(
  binding: DatabaseBinding,
  factoryName: string,
  table: PgTable,
  rows: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  try {
    const client = directInsert ? binding.client : undefined;
    const direct = client && (await binding.writeSql(client, (sql) => insertRows(sql, table, rows)));
    if (direct) return direct;
    return await insertWithDrizzle(binding, table, rows);
  } catch (error) {
    throw explainInsertError(error, factoryName, tableMeta(table), rows);
  }
}

/** Drizzle's own insert: for values only Drizzle can render (SQL expressions), or a database that is not postgres.js. */
async function insertWithDrizzle(binding: DatabaseBinding, table: PgTable, rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  // Drizzle binds every column of every row (absent ones become DEFAULT, which binds nothing).
  const chunkSize = Math.floor(MAX_BIND_PARAMETERS / tableMeta(table).columnCount);
  const created: Record<string, unknown>[] = [];
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const returned = await binding.writeDrizzle((db) => db.insert(table).values(chunk).returning());
    created.push(...(returned as Record<string, unknown>[]));
  }
  return created;
}
