import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { show } from './column-types.js';
import type { TableMeta } from './table-meta.js';
import { explainValueError, isValueErrorCode, type PostgresErrorFields } from './value-error.js';

/** A factory insert that broke a database constraint, described in terms the test author can act on. */
export class FactoryConstraintError extends RuntagError {
  constructor(
    message: string,
    readonly factory: string,
    readonly table: string,
    readonly constraint: string | undefined,
    /** PostgreSQL's SQLSTATE: 23505 unique, 23503 foreign key, 23502 not null, 23514 check, 23P01 exclusion. */
    readonly sqlState: string,
    options: { cause: unknown },
  ) {
    super('FACTORY_CONSTRAINT' satisfies CodeOf<'FactoryConstraintError'>, message, options);
  }
}

const ADVICE: Record<string, { what: string; fix: string }> = {
  '23505': {
    what: 'unique constraint',
    fix:
      'An exact value is stored as written, so another test, worker or run may hold it already. For a value unique across workers, ' +
      "let the factory generate it, or write tagged('alice@example.com') (or tag.email('alice')) instead of the plain value; for a slot-style constraint, pick another value.",
  },
  '23503': {
    what: 'foreign key',
    fix: 'Create the referenced row first (or let the factory association create it) and pass its key.',
  },
  '23502': { what: 'not-null constraint', fix: 'Give the column a value in the factory defaults or in the overrides.' },
  '23514': { what: 'check constraint', fix: 'Change the value so that it satisfies the check.' },
  '23P01': { what: 'exclusion constraint', fix: 'Pick values that do not overlap an existing row.' },
  '22001': { what: 'length limit', fix: 'Shorten the value or widen the column.' },
};

/**
 * What went wrong with a factory insert, in terms the test author can act on: a FactoryConstraintError
 * for a constraint, a FactoryValueError for a value the column cannot hold, an AbortedTransactionError
 * when an earlier statement had already failed; any other error unchanged.
 */
export function explainInsertError(error: unknown, factory: string, table: TableMeta, rows: readonly Record<string, unknown>[]): unknown {
  const pg = findPostgresError(error);
  if (!pg?.code) return error;
  if (pg.code === '25P02') return abortedTransaction(error, factory, table.name);
  if (isValueErrorCode(pg.code)) return explainValueError(pg, factory, table, rows, error);
  return explainConstraintError(pg, error, factory, table.name, rows);
}

function explainConstraintError(pg: PostgresErrorFields, error: unknown, factory: string, table: string, rows: readonly Record<string, unknown>[]): unknown {
  const advice = pg.code ? ADVICE[pg.code] : undefined;
  if (!advice) return error;
  const offending = offendingValues(pg, rows);
  const constraint = pg.constraint_name ?? (pg.column_name ? `column "${pg.column_name}"` : undefined);
  const message =
    `runtag: ${factory}.create could not insert into "${table}": it violates the ${advice.what}` +
    `${pg.constraint_name ? ` "${pg.constraint_name}"` : pg.column_name ? ` on column "${pg.column_name}"` : ''} (SQLSTATE ${pg.code}). ` +
    `${pg.detail ?? pg.message ?? ''}${pg.column_name && !pg.detail ? ` Column: "${pg.column_name}".` : ''} ` +
    `Offending values: ${show(offending)}. ${advice.fix}`;
  return new FactoryConstraintError(message.replace(/\s+/g, ' ').trim(), factory, table, constraint, pg.code!, { cause: error });
}

function findPostgresError(error: unknown): PostgresErrorFields | undefined {
  for (let e = error as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const fields = e as PostgresErrorFields;
    if (typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code)) return fields;
  }
  return undefined;
}

/** The values named by the error's detail ("Key (a, b)=(x, y)"), or the first row when none are named. */
function offendingValues(pg: PostgresErrorFields, rows: readonly Record<string, unknown>[]): Record<string, unknown> {
  const match = pg.detail?.match(/Key \((.+?)\)=\((.*)\)/);
  if (match) {
    const columns = match[1]!.split(', ');
    const values = match[2]!.split(', ');
    return Object.fromEntries(columns.map((c, i) => [c, values[i]]));
  }
  if (pg.column_name) return { [pg.column_name]: null, row: rows[0] };
  return rows.length === 1 ? { ...rows[0] } : { rows: rows.length, first: rows[0] };
}

function abortedTransaction(error: unknown, factory: string, table: string): AbortedTransactionError {
  return new AbortedTransactionError(
    `runtag: ${factory}.create could not insert into "${table}": the transaction it runs in was aborted by an earlier statement that failed (SQLSTATE 25P02), ` +
      'and PostgreSQL refuses every statement after that until the transaction ends; this insert is not what went wrong. ' +
      'Look for a statement before it whose error was caught (in isolation "transaction", every statement of the test runs in its transaction): ' +
      'wrap the statement that is expected to fail in db.transaction(async (tx) => ...), which makes it a savepoint, so that its failure undoes only the savepoint; ' +
      'or make the failing insert through a factory: factory inserts already run in savepoints.',
    factory,
    table,
    { cause: error },
  );
}

/** A factory insert refused because the transaction it runs in was already aborted (SQLSTATE 25P02). */
export class AbortedTransactionError extends RuntagError {
  readonly sqlState = '25P02';
  constructor(
    message: string,
    readonly factory: string,
    readonly table: string,
    options: { cause: unknown },
  ) {
    super('ABORTED_TRANSACTION' satisfies CodeOf<'AbortedTransactionError'>, message, options);
  }
}
