import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Sql } from '../db/connect.js';
import type { RuntagDatabase } from '../db/drizzle-db.js';

/**
 * A Drizzle database over postgres.js or node-postgres, whatever its schema: both drivers' classes
 * exist, with one type parameter, in drizzle-orm 0.x and 1.0 (0.x's PgDatabase base is gone in 1.0).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPgDatabase = PostgresJsDatabase<any> | NodePgDatabase<any>;

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

  /** Run `write` through Drizzle, in a savepoint inside a test's transaction. Either driver's database builds the same statements: typed here as one. */
  writeDrizzle<T>(write: (db: RuntagDatabase<Record<string, never>>) => Promise<T>): Promise<T> {
    const db = this.db as RuntagDatabase<Record<string, never>>;
    return this.inTransaction ? db.transaction((tx) => write(tx as unknown as RuntagDatabase<Record<string, never>>)) : write(db);
  }
}

/** The postgres.js client under a Drizzle database (drizzle-orm/postgres-js keeps it as $client), if it is one. */
export function postgresClientOf(db: AnyPgDatabase): Sql | undefined {
  const client = (db as unknown as { $client?: Sql }).$client;
  return typeof client === 'function' && typeof client.unsafe === 'function' ? client : undefined;
}
