import type { Sql } from '../db/connect.js';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * Rows committed outside a test's transaction (isolation "transaction"), found exactly: which
 * tables gained rows, and which lost or rewrote rows the file's hooks had committed before the
 * test. Built once per file from its schema's tables; its statements are plain SQL text and its
 * results plain rows, so any connection can run them (runtag's reserved postgres.js connection, or
 * a proxy's own upstream connection):
 *
 * - `beforeQuery` runs as the first statement inside the test's transaction, right after BEGIN: its
 *   snapshot is what was committed when the test began. It reads each table's row count and the
 *   snapshot's horizon (its xmax, and the transactions it saw as still running).
 * - `afterQuery(before)` runs right after ROLLBACK on the same connection, so it sees only committed
 *   rows: each table's count, and how many of its rows were written by a transaction the before
 *   snapshot could not see (xmin at or past the horizon, or one of the running ones). Those rows
 *   were committed during the test, by someone else: the test's own writes were just rolled back.
 * - `compare(before, afterRows)` gives, per table, the rows inserted (or written as a new version by
 *   an UPDATE) and the rows of before that are gone or rewritten.
 * - `removalQuery(before, escapes)` deletes what was committed during the test in the tables that
 *   lost nothing, which restores exactly what was there when the test began.
 */
export class EscapeProbe {
  /** One statement for the start of a test's transaction; undefined for a schema without tables (nothing to check). */
  readonly beforeQuery: string | undefined;

  private constructor(
    /** The schema's tables in the order of every array the statements return. */
    readonly tables: readonly ProbedTable[],
  ) {
    this.beforeQuery =
      tables.length === 0
        ? undefined
        : `select pg_snapshot_xmax(s)::xid::text as horizon, ` +
          `(select coalesce(string_agg(x::xid::text, ','), '') from pg_snapshot_xip(s) x) as running, ` +
          `array[${tables.map((t) => `(select count(*) from ${t.from})`).join(', ')}]::text as counts ` +
          'from pg_current_snapshot() s';
  }

  /** The tables of `schema` as the probe reads them: run it on any connection, hand its rows to `fromCatalog`. */
  static catalogQuery(schema: string): string {
    // A partition is counted (and cleaned) through its root when the root is in the schema too.
    return `select c.relname as name, c.relkind::text as kind
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${quoteLiteral(schema)} and c.relkind in ('r', 'p')
        and not (c.relispartition and (select r.relnamespace from pg_class r where r.oid = pg_partition_root(c.oid)) = c.relnamespace)
      order by c.relname`;
  }

  static fromCatalog(schema: string, rows: readonly { name: string; kind: string }[]): EscapeProbe {
    return new EscapeProbe(
      rows.map(({ name, kind }) => ({
        name,
        // ONLY for a plain table: a child of an inheritance parent is a table of its own in the list.
        from: `${kind === 'p' ? '' : 'only '}${quoteIdent(schema)}.${quoteIdent(name)}`,
      })),
    );
  }

  /** The probe for `schema`, its tables read through `sql`. */
  static async of(sql: Sql, schema: string): Promise<EscapeProbe> {
    return EscapeProbe.fromCatalog(schema, await sql.unsafe<{ name: string; kind: string }[]>(EscapeProbe.catalogQuery(schema)));
  }

  /** The before statement's result (its one row; values as text or as a driver parsed them). */
  parseBefore(rows: readonly Record<string, unknown>[]): BeforeSnapshot {
    const row = this.onlyRow(rows, 'before');
    const running = String(row.running ?? '');
    const counts = this.counts(row.counts, 1, 'before');
    return { horizon: String(row.horizon), running: running === '' ? [] : running.split(','), counts };
  }

  /** The statement for right after ROLLBACK: per table its count and how many of its rows were committed since `before`. */
  afterQuery(before: BeforeSnapshot): string {
    const fresh = this.committedSince(before);
    return `select array[${this.tables.map((t) => `(select array[count(*), count(*) filter (where ${fresh}) ] from ${t.from})`).join(', ')}]::text as counts`;
  }

  /** The tables whose rows differ from `before`: what was committed around the test, table by table. */
  compare(before: BeforeSnapshot, afterRows: readonly Record<string, unknown>[]): Escape[] {
    const after = this.counts(this.onlyRow(afterRows, 'after').counts, 2, 'after');
    return this.tables.flatMap((table, i) => {
      const [count = 0, fresh = 0] = [after[2 * i], after[2 * i + 1]];
      const survivors = count - fresh;
      const lostOrChanged = Math.max(0, (before.counts[i] ?? 0) - survivors);
      return fresh === 0 && lostOrChanged === 0 ? [] : [{ table: table.name, inserted: fresh, lostOrChanged }];
    });
  }

  /**
   * One statement deleting the rows committed since `before` in the tables of `escapes` that lost
   * nothing (`restorable`), returning `removed`, how many; undefined when there are none. A table
   * that lost or rewrote rows is left alone: deleting the new version of an updated row would lose
   * that row altogether. The deletes share one statement so foreign keys between the new rows are
   * checked at its end, whatever the tables' order.
   */
  removalQuery(before: BeforeSnapshot, escapes: readonly Escape[]): string | undefined {
    const names = new Set(restorable(escapes).map((e) => e.table));
    const targets = this.tables.filter((t) => names.has(t.name));
    if (targets.length === 0) return undefined;
    const fresh = this.committedSince(before);
    const deletes = targets.map((t, i) => `d${i} as (delete from ${t.from} where ${fresh} returning 1)`);
    return `with ${deletes.join(', ')} select (${targets.map((_, i) => `(select count(*) from d${i})`).join(' + ')})::text as removed`;
  }

  /** How many rows the removal statement deleted. */
  parseRemoved(rows: readonly Record<string, unknown>[]): number {
    return Number(rows[0]?.removed ?? 0);
  }

  private onlyRow(rows: readonly Record<string, unknown>[], statement: 'before' | 'after'): Record<string, unknown> {
    if (rows.length !== 1) throw this.misshapen(statement, `${rows.length} rows instead of one`);
    return rows[0]!;
  }

  /** The integers of a counts column: `perTable` for each table of the probe. */
  private counts(value: unknown, perTable: number, statement: 'before' | 'after'): number[] {
    const counts = integers(value);
    if (counts.length !== perTable * this.tables.length) throw this.misshapen(statement, `${counts.length} counts for ${this.tables.length} tables`);
    return counts;
  }

  private misshapen(statement: 'before' | 'after', what: string): RuntagError {
    return new RuntagError(
      'ESCAPE_PROBE_RESULT',
      `runtag: the escape check's ${statement} statement returned ${what}. Its rows must reach the probe unchanged: if runtag ran it, this is a runtag bug, please report it.`,
    );
  }

  /**
   * Rows written by a transaction the before snapshot did not see as committed: xmin at or past its
   * xmax, or one of the transactions running then. xids compare modulo 2^32, so by age (how far
   * back from now): a smaller age is newer. A frozen xmin has the largest age, so it is never new.
   */
  private committedSince(before: BeforeSnapshot): string {
    const horizon = `age(xmin) <= age(${quoteLiteral(before.horizon)}::xid)`;
    return before.running.length === 0 ? horizon : `(${horizon} or xmin = any(${quoteLiteral(`{${before.running.join(',')}}`)}::xid[]))`;
  }
}

/** A table of the probed schema. */
export interface ProbedTable {
  name: string;
  /** The table as the statements read it: quoted, schema-qualified. */
  from: string;
}

/** What was committed when a test began: the before statement's result. */
export interface BeforeSnapshot {
  /** The snapshot's xmax as a 32-bit xid: every transaction from it on began after the snapshot. */
  horizon: string;
  /** Transactions still running at the snapshot (xids below the horizon whose rows it did not see). */
  running: string[];
  /** Each table's committed rows, in the probe's table order. */
  counts: number[];
}

/** One table whose committed rows changed during a test, on a connection outside the test's transaction. */
export interface Escape {
  table: string;
  /** Rows committed during the test: inserted, or the new version of a row updated. */
  inserted: number;
  /** Rows committed before the test (the file's hooks') that are gone or were rewritten: deleted or updated. */
  lostOrChanged: number;
}

/** The escapes whose new rows can be deleted to restore the table: those that lost nothing. */
export function restorable(escapes: readonly Escape[]): Escape[] {
  return escapes.filter((e) => e.inserted > 0 && e.lostOrChanged === 0);
}

/** The integers of a PostgreSQL array as text (`{1,2}`, `{{3,1},{0,0}}`) or as a driver parsed it, in order. */
function integers(value: unknown): number[] {
  if (Array.isArray(value)) return value.flat(Infinity).map(Number);
  return (String(value ?? '').match(/\d+/g) ?? []).map(Number);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
