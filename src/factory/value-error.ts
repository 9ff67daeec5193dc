import { columnKind, show } from './column-types.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import type { ColumnMeta, TableMeta } from './table-meta.js';

/**
 * A value a column cannot hold, from a factory's overrides or its own defaults: caught before the
 * insert (`code` undefined) or reported by PostgreSQL (`code` is its SQLSTATE), named either way.
 */
export class FactoryValueError extends RuntagError {
  constructor(
    message: string,
    readonly factory: string,
    readonly table: string,
    /** The column's SQL name; undefined when PostgreSQL's error names none that runtag can match. */
    readonly column: string | undefined,
    readonly value: unknown,
    /** What the column holds, in words: "an integer from -2147483648 to 2147483647". */
    readonly expected: string,
    /** PostgreSQL's SQLSTATE when the server refused the value (e.g. "22P02"); undefined when runtag's own checks did. */
    readonly sqlState: string | undefined,
    options?: { cause: unknown },
  ) {
    super('FACTORY_VALUE' satisfies CodeOf<'FactoryValueError'>, message, options);
  }
}

/** PostgreSQL's error fields runtag reads (postgres.js names them so). */
export interface PostgresErrorFields {
  code?: string;
  message?: string;
  detail?: string;
  constraint_name?: string;
  column_name?: string;
  table_name?: string;
}

/**
 * Data errors (SQLSTATE class 22: bad syntax, out of range, bad date) and a value of the wrong type
 * (42804): what gets past the checks before the insert (a custom type, a date PostgreSQL alone can
 * read). PostgreSQL's message names the value or the column, rarely both: the row supplies the other.
 */
export function isValueErrorCode(code: string): boolean {
  return (code.startsWith('22') && code !== '22001') || code === '42804';
}

export function explainValueError(
  pg: PostgresErrorFields,
  factory: string,
  meta: TableMeta,
  rows: readonly Record<string, unknown>[],
  cause: unknown,
): FactoryValueError {
  const found = offendingColumn(pg, meta, rows);
  const sqlState = pg.code!;
  const reason = `${pg.message ?? 'a value it cannot read'} (SQLSTATE ${sqlState})`;
  const start = `runtag: ${factory}.create could not insert into "${meta.name}":`;
  if (!found) {
    const row = rows.length === 1 ? rows[0] : rows[0] && { rows: rows.length, first: rows[0] };
    return new FactoryValueError(
      `${start} PostgreSQL rejected a value: ${reason}. Row: ${show(row)}. Pass values of the columns' types.`,
      factory,
      meta.name,
      undefined,
      undefined,
      "a value of the column's type",
      sqlState,
      { cause },
    );
  }
  const { column, value } = found;
  const expected = columnKind(column.column)?.expected ?? `a value PostgreSQL reads as ${column.sqlType}`;
  return new FactoryValueError(
    `${start} PostgreSQL rejected ${value === undefined ? 'the value' : show(value)} for column "${meta.name}.${column.sqlName}" (${column.sqlType}): ${reason}. ` +
      `Pass ${expected}, in the override or the factory's defaults.`,
    factory,
    meta.name,
    column.sqlName,
    value,
    expected,
    sqlState,
    { cause },
  );
}

/** The column (and its value) PostgreSQL's error is about: named by it, holding the value it quotes, or the only one of the type it names. */
function offendingColumn(
  pg: PostgresErrorFields,
  meta: TableMeta,
  rows: readonly Record<string, unknown>[],
): { column: ColumnMeta; value: unknown } | undefined {
  const given = meta.columns.filter((c) => rows.some((row) => row[c.key] !== undefined && row[c.key] !== null));
  const firstValue = (c: ColumnMeta) => rows.find((row) => row[c.key] !== undefined && row[c.key] !== null)?.[c.key];
  const named = pg.column_name ?? /column "([^"]+)" is of type/.exec(pg.message ?? '')?.[1];
  const byName = named === undefined ? undefined : meta.columns.find((c) => c.sqlName === named);
  if (byName) return { column: byName, value: firstValue(byName) };

  const quoted = /"((?:[^"]|"")*)"\s*$/.exec(pg.message ?? '')?.[1];
  if (quoted !== undefined) {
    for (const column of given) {
      const row = rows.find((r) => driverText(r[column.key]) === quoted);
      if (row) return { column, value: row[column.key] };
    }
  }
  // "numeric field overflow" names neither: its detail gives the precision and scale.
  const field = /precision (\d+), scale (\d+)/.exec(pg.detail ?? '');
  const typeName = field ? `numeric(${field[1]}, ${field[2]})` : /for type ([a-z][a-z0-9 ]*)/i.exec(pg.message ?? '')?.[1];
  const ofType = typeName === undefined ? [] : given.filter((c) => c.sqlType === typeName || c.sqlType.startsWith(`${typeName}(`));
  return ofType.length === 1 ? { column: ofType[0]!, value: firstValue(ofType[0]!) } : undefined;
}

/** A value as the driver sends it, to compare with the one PostgreSQL quotes. */
function driverText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'object' ? show(value) : String(value);
}
