import postgres from 'postgres';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Sql } from '../db/connect.js';
import { isConnectionLoss } from '../db/connection-error.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { deleteOwnedRows, type KeptRow } from '../ownership/delete-owned.js';
import { findOwnedRows } from '../ownership/owned-rows.js';
import { postgresClientOf, type AnyPgDatabase } from './db-binding.js';
import { tableMeta } from './table-meta.js';

type PrimaryKey = Record<string, unknown>;

export class CleanupError extends RuntagError {
  constructor(
    readonly tables: string[],
    cause: unknown,
  ) {
    super(
      'CLEANUP_FAILED' satisfies CodeOf<'CleanupError'>,
      `runtag: cleanup could not delete the rows created in ${tables.map((t) => `"${t}"`).join(', ')}: ${explain(cause)}`,
      { cause },
    );
  }
}

/** The real cause, in words the test author can act on. */
function explain(error: unknown): string {
  const pg = error as { code?: string; message?: string; detail?: string; table_name?: string };
  const message = pg.message ?? String(error);
  if (pg.code === '42P01' || (error instanceof RuntagError && error.code === 'TRACKED_TABLE_MISSING'))
    return `${message}. A table the rows were created in no longer exists (dropped by the test, or the schema was torn down early).`;
  if (pg.code === '23503') {
    return `${message} (${pg.detail ?? ''}). A row that is not this test's was created referencing them in a way runtag could not see; delete it first.`;
  }
  if (isConnectionLoss(error)) {
    return `${message}. The database connection dropped during cleanup; the rows are still tagged, so the run's final check or the next run's sweep removes them.`;
  }
  return message;
}

/**
 * Remembers the primary key of every row the factories created. Cleanup deletes exactly those rows
 * and rows that hang only off them (one ownership model with the leak verifier), in row-level
 * dependency order; rows that something not ours references are kept, never forced.
 */
export class RowTracker {
  private readonly rows = new Map<PgTable, PrimaryKey[]>();
  private deletedCount = 0;
  private trackedTotal = 0;
  /** Rows kept by the last cleanups because rows that are not this session's reference them. */
  readonly held: KeptRow[] = [];

  track(table: PgTable, created: readonly Record<string, unknown>[]): void {
    const { primaryKey } = tableMeta(table);
    const list = this.rows.get(table) ?? [];
    for (const row of created) list.push(Object.fromEntries(primaryKey.map((k) => [k, row[k]])));
    this.rows.set(table, list);
    this.trackedTotal += created.length;
  }

  /** Rows tracked so far, including those already cleaned. */
  get createdCount(): number {
    return this.trackedTotal;
  }

  /** Rows deleted by cleanup so far. */
  get cleanedCount(): number {
    return this.deletedCount;
  }

  /** The tracked rows were rolled back with their transaction: nothing to delete, all of them gone. */
  forget(): void {
    for (const keys of this.rows.values()) this.deletedCount += keys.length;
    this.rows.clear();
  }

  /** Delete every tracked row (and rows hanging only off them), referencing rows first. */
  async cleanup(db: AnyPgDatabase): Promise<number> {
    if (this.rows.size === 0) return 0;
    const sql = clientOf(db);
    const tracked = new Map<string, PrimaryKey[]>();
    for (const [table, keys] of this.rows) {
      const config = getTableConfig(table);
      const columns = tableMeta(table).primaryKey.map((key) => [key, (table as unknown as Record<string, PgColumn>)[key]!.name] as const);
      tracked.set(config.name, [...(tracked.get(config.name) ?? []), ...keys.map((k) => Object.fromEntries(columns.map(([key, name]) => [name, k[key]])))]);
    }
    try {
      const [{ schema }] = (await sql`select current_schema() as schema`) as unknown as [{ schema: string }];
      const removal = await deleteOwnedRows(sql, await findOwnedRows(sql, { schema, tracked }));
      this.rows.clear();
      this.deletedCount += removal.deleted;
      this.held.push(...removal.kept);
      return removal.deleted;
    } catch (error) {
      throw new CleanupError([...tracked.keys()], error);
    }
  }
}

/** postgres.js clients made for node-postgres databases (their cleanup's), one per pg pool or client. */
const forNodePg = new WeakMap<object, Sql>();

/**
 * The client cleanup runs its ownership queries on: the db's own postgres.js client, or, for a
 * Drizzle database on node-postgres (drizzle-orm/node-postgres), a postgres.js client that logs in
 * and resolves names as the pg pool does (its URL or parameters, `options` with the search_path
 * included). It keeps no connection open while idle, so it holds nothing up at the end of a test.
 */
function clientOf(db: AnyPgDatabase): Sql {
  const client = postgresClientOf(db);
  if (client) return client;
  const pg = (db as unknown as { $client?: { options?: NodePgOptions; connectionParameters?: NodePgOptions } }).$client;
  const options = pg?.options ?? pg?.connectionParameters;
  if (!pg || !options) {
    throw new RuntagError(
      'NOT_POSTGRES_JS',
      'runtag: factories need a Drizzle database over postgres.js (drizzle-orm/postgres-js) or node-postgres (drizzle-orm/node-postgres); this one has neither client.',
    );
  }
  let sql = forNodePg.get(pg);
  if (!sql) {
    const settings = { max: 1, idle_timeout: 1, onnotice: () => {}, ...(options.options ? { connection: { options: options.options } } : {}) };
    sql = options.connectionString
      ? postgres(options.connectionString, settings)
      : postgres({
          host: options.host,
          port: options.port,
          database: options.database,
          username: options.user,
          password: options.password as string | undefined,
          ...settings,
        });
    forNodePg.set(pg, sql);
  }
  return sql;
}

/** What node-postgres keeps of how a pool (options) or a client (connectionParameters) connects. */
interface NodePgOptions {
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: unknown;
  options?: string;
}
