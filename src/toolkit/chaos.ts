import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type SQL } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { inTransaction, quoteIdent, type Sql } from '../db/connect.js';
import { drizzleOver } from '../db/drizzle-db.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { runApplicationName } from '../run/run-id.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import { fileApplicationName, openFileConnection } from './file-connection.js';

/** Row lock strengths, as in SELECT … FOR <mode>. */
export type RowLockMode = 'update' | 'no key update' | 'share' | 'key share';
/** Table lock modes, as in LOCK TABLE … IN <mode> MODE. */
export type TableLockMode =
  | 'access share'
  | 'row share'
  | 'row exclusive'
  | 'share update exclusive'
  | 'share'
  | 'share row exclusive'
  | 'exclusive'
  | 'access exclusive';

/** Lock the rows of `table` matching `rows` (a Drizzle condition, e.g. eq(users.id, id)); default mode "update". */
export interface RowLockTarget {
  table: PgTable;
  rows: SQL;
  mode?: RowLockMode;
}

/** Lock the whole table; default mode "access exclusive" (every other statement on it waits). */
export interface TableLockTarget {
  table: PgTable;
  rows?: never;
  mode?: TableLockMode;
}

export type LockTarget = RowLockTarget | TableLockTarget;

export interface HeldLock {
  /** The backend holding the lock: what a waiting statement's pg_blocking_pids() names. */
  pid: number;
  /** Rows locked (row locks); undefined for a table lock. */
  rows: number | undefined;
  /** How many backends are waiting for this lock right now. */
  waiters(): Promise<number>;
}

export class ChaosError extends RuntagError {
  constructor(code: CodeOf<'ChaosError'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** How long a chaos connection waits to take its own lock before saying who holds it. */
const LOCK_TIMEOUT_MS = 5_000;

/**
 * End every connection of the scope's own pool (what `db`, the factories and the
 * session use) with pg_terminate_backend, as a server restart or a network failure would: a
 * statement in flight fails with a connection error, and the pool reconnects on the next one.
 * Only backends named for this file of this run are touched (never another file's or run's).
 * Returns how many were ended. Call it from a test (not a hook): after the test, the pool is
 * brought back to health before runtag's cleanup or the next test uses it. Not in isolation
 * "transaction": it would end the test's transaction.
 */
export async function terminateConnections(runtime: ScopeRuntime): Promise<number> {
  if (runtime.config.isolation === 'transaction') {
    throw new ChaosError(
      'CHAOS_IN_TRANSACTION',
      'runtag: terminateConnections() would end the test\'s own transaction (isolation "transaction"), and with it the rollback ' +
        'that keeps tests apart. Use isolation "schema" or "shared" for the file that tests dropped connections.',
    );
  }
  const name = fileApplicationName(runtime);
  // Only a name that carries this run's id and is this file's alone proves whose connections they are.
  if (!name.startsWith(`${runApplicationName(runtime.config.runId)}:`)) {
    throw new ChaosError(
      'CHAOS_UNNAMED_CONNECTIONS',
      `runtag: the file's connections are named "${name}", which does not name this file alone within run ${runtime.config.runId}, ` +
        "so runtag cannot tell them from other files' and terminates nothing. This is a runtag bug: please report it.",
    );
  }
  // Marked first: whatever happens below, the running test ends with a healthy pool (the scope recovers it).
  runtime.markPoolDisrupted();
  const client = await openFileConnection(runtime, 'chaos');
  try {
    const [server] = await client<{ version: number }[]>`select current_setting('server_version_num')::int as version`;
    // PostgreSQL 14+ waits for each backend to be gone (up to 5 s), so the next statement meets a dropped connection, not a dying one.
    const terminate = server!.version >= 140_000 ? 'pg_terminate_backend(pid, 5000)' : 'pg_terminate_backend(pid)';
    // The aggregate runs after WHERE: only the rows the filter kept are terminated.
    const [row] = await client.unsafe<{ n: number }[]>(
      `select (count(*) filter (where ${terminate}))::int as n from pg_stat_activity
        where application_name = $1 and datname = current_database() and pid <> pg_backend_pid()`,
      [name],
    );
    return row!.n;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Hold a lock on a connection of its own while `callback` runs, then release it: rows of a table
 * (SELECT … FOR UPDATE) or the whole table (LOCK TABLE … IN <mode> MODE). A statement of the code
 * under test that needs the lock waits meanwhile; start it inside the callback without awaiting it
 * there (it cannot finish before the lock is released), and await it after holdLock returns.
 */
export async function holdLock<T>(runtime: ScopeRuntime, target: LockTarget, callback: (lock: HeldLock) => Promise<T>): Promise<T> {
  const client = await openFileConnection(runtime, 'chaos');
  try {
    return await inTransaction(client, async (tx) => {
      await tx.unsafe(`set local lock_timeout = ${LOCK_TIMEOUT_MS}`);
      const rows = await takeLock(tx, client, target, runtime.config.isolation === 'transaction');
      const [me] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const pid = me!.pid;
      return callback({ pid, rows, waiters: () => waitersOf(tx, pid) });
    });
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Delay statements on the real database: for `ms` milliseconds from the call, every statement
 * that touches one of `tables` (reads too) waits, then they all proceed. It holds an ACCESS
 * EXCLUSIVE lock on the tables for that long on a connection of its own, so nothing in the app or
 * in the database needs to change. `callback` runs while the lock is held; the call returns when
 * both the callback and the delay are over.
 */
export async function delayStatements<T>(
  runtime: ScopeRuntime,
  target: { tables: PgTable | readonly PgTable[]; ms: number },
  callback: () => Promise<T>,
): Promise<T> {
  if (!(target.ms >= 0)) throw new ChaosError('INVALID_DELAY', `runtag: delayStatements needs ms >= 0, got ${target.ms}.`);
  const tables = [target.tables].flat() as PgTable[];
  if (tables.length === 0) throw new ChaosError('INVALID_DELAY', 'runtag: delayStatements needs at least one table to delay statements on.');
  const client = await openFileConnection(runtime, 'chaos');
  try {
    let locked!: () => void;
    const taken = new Promise<void>((resolve) => (locked = resolve));
    const held = inTransaction(client, async (tx) => {
      await tx.unsafe(`set local lock_timeout = ${LOCK_TIMEOUT_MS}`);
      for (const table of tables) await takeLock(tx, client, { table, mode: 'access exclusive' }, runtime.config.isolation === 'transaction');
      locked();
      await sleep(target.ms);
    });
    // Locking failed (rejects here), or the lock is taken and the callback runs under it.
    await Promise.race([taken, held]);
    const [outcome, release] = await Promise.allSettled([callback(), held]);
    if (outcome.status === 'rejected') throw outcome.reason;
    if (release.status === 'rejected') throw release.reason;
    return outcome.value;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Take the lock; returns the number of rows locked (undefined for a table lock). */
async function takeLock(tx: Sql, client: Sql, target: LockTarget, inTestTransaction: boolean): Promise<number | undefined> {
  const config = getTableConfig(target.table);
  const table = config.schema ? `${quoteIdent(config.schema)}.${quoteIdent(config.name)}` : quoteIdent(config.name);
  try {
    if (target.rows === undefined) {
      const mode = target.mode ?? 'access exclusive';
      await tx.unsafe(`lock table ${table} in ${mode} mode`);
      return undefined;
    }
    // Drizzle builds the locking SELECT (and binds the condition's values); the transaction runs it.
    const query = drizzleOver(client)
      .select({ one: sql`1` })
      .from(target.table)
      .where(target.rows)
      .for(target.mode ?? 'update')
      .toSQL();
    const locked = await tx.unsafe(query.sql, query.params as never[]);
    if (locked.length === 0) {
      throw new ChaosError(
        'CHAOS_NOTHING_LOCKED',
        `runtag: holdLock found no rows of "${config.name}" matching the condition, so it would lock nothing.` +
          (inTestTransaction
            ? ' With isolation "transaction" the test\'s rows are uncommitted, invisible to the lock\'s own connection: lock the table instead, or use isolation "schema".'
            : ' Create the rows first (committed, through the db fixture or the factories), or check the condition.'),
      );
    }
    return locked.length;
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') {
      throw new ChaosError(
        'CHAOS_LOCK_TIMEOUT',
        `runtag: could not lock "${config.name}" within ${LOCK_TIMEOUT_MS / 1000} s: another transaction holds a conflicting lock` +
          (inTestTransaction ? ' (with isolation "transaction", most likely the test\'s own transaction, which wrote to it)' : '') +
          '. Take the lock before the code under test starts its transaction.',
        { cause: error },
      );
    }
    throw error;
  }
}

async function waitersOf(tx: Sql, pid: number): Promise<number> {
  const [row] = await tx<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`;
  return row!.n;
}
