import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Sql } from '../db/connect.js';

/** Thrown inside the transaction to end it with ROLLBACK; never seen outside this module. */
const ROLLBACK = Symbol('runtag:rollback');

/**
 * One test's transaction on the file's schema: everything the test writes through `db` is rolled
 * back when it ends, so the next test starts from the same (empty) state. `db.transaction()` inside
 * the test becomes a savepoint, so code that opens its own transactions works unchanged.
 */
export class TestTransaction<TSchema extends Record<string, unknown>> {
  private constructor(
    readonly db: PostgresJsDatabase<TSchema>,
    private readonly end: () => void,
    private readonly finished: Promise<void>,
  ) {}

  static async begin<TSchema extends Record<string, unknown>>(sql: Sql, schema: TSchema): Promise<TestTransaction<TSchema>> {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    let opened!: (tx: postgres.TransactionSql) => void;
    const open = new Promise<postgres.TransactionSql>((resolve) => (opened = resolve));
    // postgres.js owns the transaction's connection for as long as this callback runs: until the test ends.
    const finished = sql
      .begin(async (tx) => {
        opened(tx);
        await ended;
        throw ROLLBACK;
      })
      .then(
        () => undefined,
        (error: unknown) => {
          if (error !== ROLLBACK) throw error;
        },
      );
    const tx = await Promise.race([open, finished.then(() => Promise.reject(new Error('runtag: the test transaction ended before it began.')))]);
    return new TestTransaction(drizzle(savepointing(tx, sql), { schema }), end, finished);
  }

  /** Roll back everything the test wrote through this transaction. */
  async rollback(): Promise<void> {
    this.end();
    await this.finished;
  }
}

/**
 * The transaction's client, with `begin` (what Drizzle's db.transaction() calls) as a savepoint,
 * and the pool's `options` (Drizzle reads its type parsers there; a transaction has none of its own).
 */
function savepointing(tx: postgres.TransactionSql, pool: Sql): Sql {
  return new Proxy(tx, {
    get(target, key, receiver) {
      if (key === 'options') return pool.options;
      if (key === 'begin') {
        return (optionsOrFn: unknown, fn?: unknown) => target.savepoint((typeof optionsOrFn === 'function' ? optionsOrFn : fn) as (sql: postgres.TransactionSql) => unknown);
      }
      return Reflect.get(target, key, receiver);
    },
  }) as unknown as Sql;
}

/**
 * Which tables of a file's schema hold rows: compared before and after a test's rollback, a table
 * that gained rows got them from a commit on another connection, outside the test's transaction.
 * The probe is one query, built once per file.
 */
export class SchemaRowsProbe {
  private constructor(
    private readonly sql: Sql,
    private readonly probe: string | undefined,
    private readonly tables: string | undefined,
  ) {}

  static async of(sql: Sql, schema: string): Promise<SchemaRowsProbe> {
    const [row] = await sql<{ probe: string | null; tables: string | null }[]>`
      select string_agg(format('select %L as name where exists (select 1 from %I.%I)', c.relname, n.nspname, c.relname), ' union all ') as probe,
             string_agg(format('%I.%I', n.nspname, c.relname), ', ') as tables
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind in ('r', 'p')`;
    return new SchemaRowsProbe(sql, row?.probe ?? undefined, row?.tables ?? undefined);
  }

  async tablesWithRows(): Promise<Set<string>> {
    if (!this.probe) return new Set();
    return new Set((await this.sql.unsafe<{ name: string }[]>(this.probe)).map((r) => r.name));
  }

  /** Empty every table of the file's own schema (its role owns them), so the next test starts clean. */
  async emptyAll(): Promise<void> {
    if (this.tables) await this.sql.unsafe(`truncate ${this.tables}`);
  }
}

/**
 * Roll the test's transaction back and, at the same time, see which tables of the file's schema
 * hold committed rows. The two need no order: the test's own rows were never visible to another
 * connection, before the rollback or after it, so what the probe finds was committed elsewhere.
 * One round trip of waiting instead of two.
 */
export async function rollBackAndProbe(transaction: { rollback(): Promise<void> }, probe: SchemaRowsProbe): Promise<Set<string>> {
  const [, withRows] = await Promise.all([transaction.rollback(), probe.tablesWithRows()]);
  return withRows;
}
