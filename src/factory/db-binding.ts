import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Sql } from '../db/connect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPgDatabase = PgDatabase<any, any, any>;

/**
 * Where a session's rows go: a Drizzle database and, when it is a test's transaction (isolation
 * "transaction"), the fact that it is one, so each write goes in a savepoint: a constraint error the
 * test expects then aborts only that write, not the transaction the rest of the test runs in.
 */
export class DatabaseBinding {
  constructor(
    readonly db: AnyPgDatabase,
    readonly inTransaction = false,
  ) {}

  /** The postgres.js client under the database, if it is one (factories insert through it directly). */
  get client(): Sql | undefined {
    return postgresClientOf(this.db);
  }

  /** Run `write` on the postgres.js client `client`, in a savepoint inside a test's transaction (the client's begin is one there). */
  writeSql<T>(client: Sql, write: (sql: Sql) => Promise<T>): Promise<T> {
    return this.inTransaction ? (client.begin((tx) => write(tx as unknown as Sql)) as Promise<T>) : write(client);
  }

  /** Run `write` through Drizzle, in a savepoint inside a test's transaction. */
  writeDrizzle<T>(write: (db: AnyPgDatabase) => Promise<T>): Promise<T> {
    return this.inTransaction ? this.db.transaction((tx) => write(tx as unknown as AnyPgDatabase)) : write(this.db);
  }
}

/** The postgres.js client under a Drizzle database (drizzle-orm/postgres-js keeps it as $client), if it is one. */
export function postgresClientOf(db: AnyPgDatabase): Sql | undefined {
  const client = (db as unknown as { $client?: Sql }).$client;
  return typeof client === 'function' && typeof client.unsafe === 'function' ? client : undefined;
}
