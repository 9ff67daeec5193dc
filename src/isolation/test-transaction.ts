import type postgres from 'postgres';
import type { Sql } from '../db/connect.js';
import { DrizzleInstances, drizzleOver, type DrizzleQueryConfig, type RuntagDatabase } from '../db/drizzle-db.js';
import { RuntagError } from '../errors/runtag-error.js';
import type { BeforeSnapshot, Escape, EscapeProbe } from './escape-probe.js';

/**
 * One test's transaction on the file's schema: everything the test writes through `db` is rolled
 * back when it ends, so the next test starts from the same state. `db.transaction()` inside the
 * test becomes a savepoint, so code that opens its own transactions works unchanged.
 *
 * It runs on a connection reserved from the file's pool for the test, so that runtag's own
 * statements can share the test's round trips: BEGIN (and the escape probe's snapshot of what was
 * committed before the test) is sent without waiting, pipelined ahead of the test's first statement
 * (postgres.js queues both on the connection), and the end is one round trip: ROLLBACK, then the
 * probe's count of what is committed now, read on the same connection once it is outside the
 * transaction. The connection
 * goes back to the pool between tests, so the file's hooks find it free.
 */
export class TestTransaction {
  private ended = false;
  /** Drizzle on the transaction, one per schema (or relations) object it is asked for (see `dbFor`). */
  private readonly dbs: DrizzleInstances<unknown>;
  /** Drizzle on the transaction without a schema (no `db.query`): what the test's factory session writes through. */
  readonly db: RuntagDatabase<Record<string, never>>;

  private constructor(
    /** The reserved connection, with `begin` and `savepoint` as savepoints: Drizzle's client for this transaction. */
    readonly client: Sql,
    private readonly connection: postgres.ReservedSql,
    /** What was committed when the test began (the transaction's first statement), once BEGIN is done; none without a probe. */
    private readonly began: Promise<BeforeSnapshot | undefined>,
    private readonly probe: EscapeProbe | undefined,
  ) {
    this.db = drizzleOver(client);
    this.dbs = new DrizzleInstances<unknown>((query) => drizzleOver(client, query));
  }

  /** Drizzle on this transaction, typed from (and with `db.query` for) the schema (drizzle-orm 1.0: the relations). */
  dbFor<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
    query: DrizzleQueryConfig,
  ): RuntagDatabase<TSchema, TRelations> {
    return this.dbs.for(query) as RuntagDatabase<TSchema, TRelations>;
  }

  /**
   * Open a test's transaction. With a probe, what is committed is counted in the same round trip as
   * BEGIN (see `committedBefore`).
   */
  static async begin(sql: Sql, probe?: EscapeProbe): Promise<TestTransaction> {
    const connection = await sql.reserve();
    // The probe as the transaction's first statement sees what was committed when the test began (read committed).
    const before = probe?.beforeQuery;
    const began = connection
      .unsafe(['begin', before].filter(Boolean).join(';\n'))
      .simple()
      .then((results) => (before ? probe!.parseBefore(lastStatementRows(results)) : undefined));
    // Awaited by rollback (or surfaced by the test's own first statement): never an unhandled rejection meanwhile.
    began.catch(() => {});
    return new TestTransaction(savepointing(connection, sql), connection, began, probe);
  }

  /** What was committed in the file's schema when the test began: the file's own hooks' rows, for instance. */
  committedBefore(): Promise<BeforeSnapshot | undefined> {
    return this.began;
  }

  /**
   * Roll back everything the test wrote through this transaction and, in the same round trip, count
   * what is committed in the file's schema: after the ROLLBACK the connection sees only committed
   * rows, so rows written since the test began were committed elsewhere, outside the test's
   * transaction. Returns the tables where that changed anything (none without a probe).
   */
  async rollbackAndProbe(): Promise<Escape[]> {
    if (this.ended) throw new RuntagError('TRANSACTION_ENDED', 'runtag: the test transaction was already rolled back.');
    this.ended = true;
    try {
      const before = await this.began;
      const after = before && this.probe?.afterQuery(before);
      const results = await this.connection.unsafe(['rollback', after].filter(Boolean).join(';\n')).simple();
      return before && after ? this.probe!.compare(before, lastStatementRows(results)) : [];
    } finally {
      this.connection.release();
    }
  }

  /** Roll back everything the test wrote through this transaction. */
  async rollback(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      await this.began.catch(() => {});
      await this.connection.unsafe('rollback');
    } finally {
      this.connection.release();
    }
  }
}

/**
 * The rows of the last statement of a simple query. postgres.js returns one result per statement
 * when a later statement returns rows (`begin; select …` → `[[], rows]`), and the rows alone when
 * only the first does; a lone BEGIN or ROLLBACK gives an empty result.
 */
function lastStatementRows(results: readonly unknown[]): Record<string, unknown>[] {
  return (Array.isArray(results[0]) ? results.at(-1) : results) as Record<string, unknown>[];
}

/**
 * The test's connection as Drizzle's client, with `begin` (what Drizzle's db.transaction() and the
 * factories' guarded inserts call) and `savepoint` (a nested transaction) as savepoints, and the
 * pool's `options` (Drizzle reads its type parsers there; a reserved connection has none of its own).
 */
function savepointing(connection: postgres.ReservedSql, pool: Sql): Sql {
  let savepoints = 0;
  const client: Sql = new Proxy(connection, {
    get(target, key, receiver) {
      if (key === 'options') return pool.options;
      if (key === 'begin' || key === 'savepoint') {
        return async (optionsOrFn: unknown, fn?: unknown) => {
          const work = (typeof optionsOrFn === 'function' ? optionsOrFn : fn) as (sql: Sql) => unknown;
          const name = `runtag_sp_${++savepoints}`;
          await connection.unsafe(`savepoint ${name}`);
          try {
            // Not released on success, as postgres.js's own savepoints: releasing one releases those opened after it,
            // which concurrent factory calls (Promise.all) may still be using.
            return await work(client);
          } catch (error) {
            await connection.unsafe(`rollback to savepoint ${name}`);
            throw error;
          }
        };
      }
      return Reflect.get(target, key, receiver);
    },
  }) as unknown as Sql;
  return client;
}
