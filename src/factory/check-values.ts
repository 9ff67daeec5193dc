import type { TableMeta } from './table-meta.js';

/**
 * Values checked before they reach the database, so a mistake names the factory, table, column,
 * value and what to do, instead of surfacing as a driver error (or, worse, being stored untagged).
 */
export function checkValues(factory: string, meta: TableMeta, attributes: Record<string, unknown>, overrides: Record<string, unknown>): void {
  for (const column of meta.columns) {
    if (!(column.key in attributes) || attributes[column.key] === undefined) continue;
    const value = attributes[column.key];
    const from = column.key in overrides ? 'the override' : "the factory's defaults";
    const at = `runtag: ${factory}: column "${meta.name}.${column.sqlName}"`;
    if (value === null) {
      if (column.notNull) throw new Error(`${at} is NOT NULL, but ${from} gives null. Give it a value, or leave it out to use the factory's or the column's default.`);
      continue;
    }
    if (column.dataType === 'string' && typeof value !== 'string') {
      throw new Error(
        `${at} holds text, but ${from} gives ${typeof value} ${JSON.stringify(value)}. Pass a string` +
          (meta.taggedColumns.some((c) => c.key === column.key) ? "; for a value unique across workers, tagged('...')." : '.'),
      );
    }
    if (column.dataType === 'date' && !(value instanceof Date)) {
      throw new Error(`${at} is a timestamp read and written as a Date, but ${from} gives ${typeof value} ${JSON.stringify(value)}. Pass a Date, e.g. new Date('2030-01-01T10:00:00Z').`);
    }
    // value.length counts UTF-16 units, never fewer than characters: only a long one needs counting.
    if (column.maxLength !== undefined && typeof value === 'string' && value.length > column.maxLength && [...value].length > column.maxLength) {
      throw new Error(
        `${at} holds at most ${column.maxLength} characters, but ${from} gives ${[...value].length}: ${JSON.stringify(value)}. Shorten it` +
          (meta.taggedColumns.some((c) => c.key === column.key) ? ", or let the factory generate it (tagged values are fitted to the column)." : '.'),
      );
    }
  }
}
