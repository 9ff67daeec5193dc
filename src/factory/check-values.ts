import { is, SQL } from 'drizzle-orm';
import { columnKind, describeValue } from './column-types.js';
import type { TableMeta } from './table-meta.js';
import { FactoryValueError } from './value-error.js';

/**
 * Values checked before they reach the database, so a mistake names the factory, table, column,
 * value, what the column holds and what to do, instead of surfacing as a driver error (or, worse,
 * being stored untagged).
 */
export function checkValues(factory: string, meta: TableMeta, attributes: Record<string, unknown>, sourceOf: (key: string) => string): void {
  for (const column of meta.columns) {
    if (!(column.key in attributes) || attributes[column.key] === undefined) continue;
    const value = attributes[column.key];
    // A Drizzle SQL expression (sql`now()`) is rendered by Drizzle; PostgreSQL checks what it gives.
    if (is(value, SQL) || (value !== null && typeof value === 'object' && 'getSQL' in value)) continue;
    // "the override gives", "trait \"admin\" gives", "the factory's defaults give"
    const source = sourceOf(column.key);
    const from = `${source} ${source.endsWith('defaults') ? 'give' : 'gives'}`;
    const at = `runtag: ${factory}: column "${meta.name}.${column.sqlName}"`;
    const kind = columnKind(column.column);
    const fail = (message: string, expected: string) => new FactoryValueError(message, factory, meta.name, column.sqlName, value, expected, undefined);
    if (value === null) {
      if (column.notNull) {
        throw fail(
          `${at} is NOT NULL, but ${from} null. Give it a value, or leave it out to use the factory's or the column's default.`,
          kind?.expected ?? column.sqlType,
        );
      }
      continue;
    }
    const problem = kind?.problem(value);
    if (kind && problem) {
      const tagged = meta.tagColumns.some((c) => c.key === column.key);
      // A unique text column: the usual fix for a literal that must not collide is tagged().
      const fix = tagged && problem.fix === 'Pass a string.' ? "Pass a string; for a value unique across workers, tagged('...')." : problem.fix;
      throw fail(`${at} ${problem.predicate ?? kind.predicate}, but ${from} ${problem.given ?? describeValue(value)}. ${fix}`, kind.expected);
    }
    // value.length counts UTF-16 units, never fewer than characters: only a long one needs counting.
    if (column.maxLength !== undefined && typeof value === 'string' && value.length > column.maxLength && [...value].length > column.maxLength) {
      throw fail(
        `${at} holds at most ${column.maxLength} characters, but ${from} ${[...value].length}: ${JSON.stringify(value)}. Shorten it` +
          (meta.tagColumns.some((c) => c.key === column.key) ? ', or let the factory generate it (tagged values are fitted to the column).' : '.'),
        `text of at most ${column.maxLength} characters`,
      );
    }
  }
}
