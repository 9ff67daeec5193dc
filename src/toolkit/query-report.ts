import { Column, getTableName, is } from 'drizzle-orm';
import { isPlainObject, Stabilizer, type StabilizeOptions } from './stabilize.js';
import { formatCell, formatTextTable } from './text-table.js';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * A Drizzle query that can be reported: it knows its SQL (`toSQL()`) and runs when awaited or
 * executed. `db.select()…`, `db.insert()….returning()`, `db.update()`, `db.delete()` and
 * `db.query.<table>.findMany()` all are; a plain promise, a string or rows are not.
 */
export type SnapshotQuery<TResult = unknown> = {
  toSQL(): { sql: string; params: readonly unknown[] };
} & (PromiseLike<TResult> | { execute(): PromiseLike<TResult> });

export type QueryReportOptions = StabilizeOptions;

/**
 * Run `query` and describe it as stable text: the SQL Drizzle produced, its parameters, and the
 * result as an aligned table, with run tags, uuids and timestamps replaced by numbered
 * placeholders (`<tag:users.email#1>`, `<uuid#1>`, `<timestamp#1>`):
 *
 *   expect(await queryReport(db.select().from(users).where(eq(users.id, id)))).toMatchInlineSnapshot();
 *
 * Rows are numbered first, then the parameters, so a parameter that is also in the result reads
 * like it. Order the query (`orderBy`) when it returns several rows: the report keeps their order.
 */
export async function queryReport<TResult>(query: SnapshotQuery<TResult>, options: QueryReportOptions = {}): Promise<string> {
  return (await runQueryReport(query, options)).report;
}

/** `queryReport` and the query's own result, for helpers that return both (`assertQuery`). */
export async function runQueryReport<TResult>(query: SnapshotQuery<TResult>, options: QueryReportOptions = {}): Promise<{ report: string; result: TResult }> {
  if (typeof query?.toSQL !== 'function') {
    throw new RuntagError(
      'NOT_A_QUERY',
      'runtag: queryReport needs a Drizzle query (with toSQL()), e.g. db.select().from(users). Pass the query itself, not its awaited rows.',
    );
  }
  const { sql, params } = query.toSQL();
  const result = await run(query);
  const columns = columnsOf(selectionOf(query), rowsOf(result));
  const stabilizer = new Stabilizer(options);
  // Cells first, each labelled by its column, so a tag reads `<tag:users.email#1>` wherever it appears next.
  const cells = rowsOf(result).map((row) => columns.map((column) => stabilizer.value(column.read(row), column.label)));
  const shownParams = params.map((param, i) => `$${i + 1} = ${formatParam(stabilizer.value(param))}`);
  const report = [
    stabilizer.text(sql),
    ...(shownParams.length > 0 ? [`-- ${shownParams.join(', ')}`] : []),
    '',
    formatTextTable(
      columns.map((column) => column.header),
      cells,
    ),
  ].join('\n');
  return { report, result };
}

interface ReportColumn {
  header: string;
  /** What names the tags of this column: `users.email` for a table's column, else the header. */
  label: string;
  read(row: unknown): unknown;
}

function run<TResult>(query: SnapshotQuery<TResult>): PromiseLike<TResult> {
  return 'execute' in query && typeof query.execute === 'function' ? query.execute() : (query as PromiseLike<TResult>);
}

/** The result as rows: arrays as they are (postgres.js), `{ rows }` (node-postgres), one object (findFirst). */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  if (result === undefined || result === null) return [];
  if (typeof result === 'object' && Array.isArray((result as { rows?: unknown }).rows)) return (result as { rows: unknown[] }).rows;
  return [result];
}

/**
 * What a Drizzle select (or `returning()`) selected: property → column, or → nested selection for
 * joins. Read from the query builder's config, which Drizzle does not document as public: when it
 * is missing, the report falls back to the rows' own keys.
 */
function selectionOf(query: unknown): Record<string, unknown> | undefined {
  const internals = query as { config?: { fields?: unknown; returningFields?: unknown }; _?: { selectedFields?: unknown } };
  const selection = internals.config?.fields ?? internals.config?.returningFields ?? internals._?.selectedFields;
  return isPlainObject(selection) ? selection : undefined;
}

function columnsOf(selection: Record<string, unknown> | undefined, rows: unknown[]): ReportColumn[] {
  if (selection) return selectedColumns(selection, []);
  const keys = new Set<string>();
  for (const row of rows) for (const key of isPlainObject(row) ? Object.keys(row) : ['value']) keys.add(key);
  return [...keys].map((key) => ({ header: key, label: key, read: (row) => (isPlainObject(row) ? row[key] : row) }));
}

function selectedColumns(selection: Record<string, unknown>, path: string[]): ReportColumn[] {
  return Object.entries(selection).flatMap(([key, field]) => {
    const at = [...path, key];
    // A nested plain object is a joined table's (or a nested) selection: one column per field.
    if (isPlainObject(field)) return selectedColumns(field, at);
    const header = at.join('.');
    const label = is(field, Column) ? `${getTableName(field.table)}.${field.name}` : header;
    return [{ header, label, read: (row: unknown) => at.reduce<unknown>((value, step) => (isPlainObject(value) ? value[step] : undefined), row) }];
  });
}

/** A parameter as SQL would show it: strings quoted, NULL, numbers and booleans bare. */
function formatParam(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return `'${formatCell(value).replaceAll("'", "''")}'`;
}
