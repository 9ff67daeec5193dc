import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * What runtag reads of a Drizzle column where drizzle-orm 1.0 reports it differently from 0.x:
 * - arrays: 0.x wraps the element in a column of its own (columnType 'PgArray', `baseColumn`,
 *   getSQLType() 'integer[]'); 1.0 keeps the element's column and sets `dimensions` (columnType
 *   'PgInteger', getSQLType() 'integer');
 * - `dataType`: 0.x says 'string', 'date', 'json', 'array'; 1.0 is compound, the JavaScript type
 *   and what narrows it: 'string uuid', 'object date', 'object json', 'number int32'.
 * columnType names the same kind of column in both ('PgUUID', 'PgTimestamp', …).
 */

/** How many array dimensions drizzle-orm 1.0 gives the column (0 for a scalar, and for every 0.x column: its arrays are PgArray). */
export function arrayDimensions(column: PgColumn): number {
  return (column as unknown as { dimensions?: number }).dimensions ?? 0;
}

/** The column's type as PostgreSQL names it, with an array's brackets in either major: "integer[]", "numeric(10, 2)". */
export function sqlTypeOf(column: PgColumn): string {
  return column.getSQLType() + '[]'.repeat(arrayDimensions(column));
}

/**
 * Drizzle's data type in 0.x's words whichever major reports it: 'string', 'number', 'bigint',
 * 'boolean', 'date', 'json', 'buffer', 'array', 'custom'. 1.0's objects other than a Date or a
 * Buffer (a point as { x, y }, a geometry) are what 0.x calls 'json'.
 */
export function dataTypeOf(column: PgColumn): string {
  if (arrayDimensions(column) > 0) return 'array';
  const [type = '', constraint] = String(column.dataType).split(' ');
  if (type !== 'object') return type;
  return constraint === 'date' || constraint === 'buffer' ? constraint : 'json';
}
