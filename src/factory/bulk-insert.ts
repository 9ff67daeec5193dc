import { Column } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { quoteIdent, type Sql } from '../db/connect.js';
import { drizzleMajor } from '../db/drizzle-db.js';
import { tableColumns } from './table-meta.js';

/** PostgreSQL's protocol counts bind parameters in 16 bits; postgres.js takes at most 65,534. */
export const MAX_BIND_PARAMETERS = 65_534;

interface InsertColumn {
  key: string;
  column: PgColumn;
  quoted: string;
  /** Drizzle's value mappings, left out where they are the identity (text, integers, enums…): most columns. */
  toDriver: ((value: unknown) => unknown) | undefined;
  fromDriver: ((value: unknown) => unknown) | undefined;
}

interface InsertPlan {
  target: string;
  /** The columns a value may be given for (not generated ones). */
  columns: InsertColumn[];
  /** Every column, as RETURNING gives them back. */
  all: InsertColumn[];
  returning: string;
}

const plans = new WeakMap<PgTable, InsertPlan>();

/**
 * Whether `insertRows` may be used: it converts values with the columns' own mapToDriverValue and
 * mapFromDriverValue, which is where drizzle-orm 0.x converts them. drizzle-orm 1.0 moved most
 * conversions into its dialect's codecs (a timestamp would come back as text, not a Date), so under
 * 1.0 factories insert through Drizzle's own builder.
 */
export const directInsert = drizzleMajor === 0;

/**
 * Insert rows with one multi-row INSERT … RETURNING per chunk, straight through postgres.js, with
 * Drizzle's own column mappings in both directions. Drizzle's query builder costs about twice the
 * database's own time for a thousand rows; this is the same statement without that. Returns
 * undefined when a value is a Drizzle SQL expression (e.g. sql`now()`): the caller then lets
 * Drizzle build the statement.
 */
export async function insertRows(sql: Sql, table: PgTable, rows: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[] | undefined> {
  const plan = planFor(table);
  const values = rows.map((row) => valuesOf(plan, row));
  if (values.some((row) => row === undefined)) return undefined;
  const used = plan.columns.filter((_, i) => values.some((row) => row![i] !== undefined));
  if (used.length === 0) return insertDefaults(sql, plan, rows.length);
  const usedIndex = used.map((c) => plan.columns.indexOf(c));
  const chunkSize = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / used.length));
  const created: Record<string, unknown>[] = [];
  for (let start = 0; start < values.length; start += chunkSize) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of values.slice(start, start + chunkSize)) {
      const cells = usedIndex.map((i) => {
        const value = row![i];
        if (value === undefined) return 'default';
        params.push(value);
        return `$${params.length}`;
      });
      tuples.push(`(${cells.join(', ')})`);
    }
    const text = `insert into ${plan.target} (${used.map((c) => c.quoted).join(', ')}) values ${tuples.join(', ')} returning ${plan.returning}`;
    const returned = await sql.unsafe<Record<string, unknown>[]>(text, params as never[]);
    for (const row of returned) created.push(fromDriver(plan, row));
  }
  return created;
}

async function insertDefaults(sql: Sql, plan: InsertPlan, count: number): Promise<Record<string, unknown>[]> {
  const created: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const [row] = await sql.unsafe<Record<string, unknown>[]>(`insert into ${plan.target} default values returning ${plan.returning}`);
    created.push(fromDriver(plan, row!));
  }
  return created;
}

function planFor(table: PgTable): InsertPlan {
  let plan = plans.get(table);
  if (!plan) {
    const config = getTableConfig(table);
    const columns = tableColumns(table).map(([key, column]) => ({
      key,
      column,
      quoted: quoteIdent(column.name),
      toDriver: column.mapToDriverValue === Column.prototype.mapToDriverValue ? undefined : (v: unknown) => column.mapToDriverValue(v),
      fromDriver: column.mapFromDriverValue === Column.prototype.mapFromDriverValue ? undefined : (v: unknown) => column.mapFromDriverValue(v),
    }));
    plan = {
      // Unqualified unless the table names its schema, as Drizzle does: the search_path picks the file's schema.
      target: config.schema ? `${quoteIdent(config.schema)}.${quoteIdent(config.name)}` : quoteIdent(config.name),
      // Generated columns take no value, as in Drizzle.
      columns: columns.filter((c) => !(c.column as unknown as { shouldDisableInsert(): boolean }).shouldDisableInsert()),
      all: columns,
      returning: columns.map((c) => c.quoted).join(', '),
    };
    plans.set(table, plan);
  }
  return plan;
}

/** A row's values in the plan's column order, as the driver takes them; undefined means DEFAULT. */
function valuesOf(plan: InsertPlan, row: Record<string, unknown>): unknown[] | undefined {
  const out: unknown[] = [];
  for (const { key, column, toDriver } of plan.columns) {
    let value = row[key];
    // Drizzle's $defaultFn and $onUpdateFn run on insert when no value is given; so here.
    if (value === undefined && column.defaultFn) value = column.defaultFn();
    else if (value === undefined && !column.default && column.onUpdateFn) value = column.onUpdateFn();
    if (value !== null && typeof value === 'object' && 'getSQL' in value) return undefined;
    out.push(value === undefined || value === null || !toDriver ? value : toDriver(value));
  }
  return out;
}

function fromDriver(plan: InsertPlan, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, column, fromDriver } of plan.all) {
    const value = row[column.name];
    out[key] = value === null || value === undefined ? null : fromDriver ? fromDriver(value) : value;
  }
  return out;
}
