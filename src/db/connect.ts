import postgres from 'postgres';
import { isConnectionLoss } from './connection-error.js';

export type Sql = postgres.Sql;

export interface ConnectOptions {
  /** Schema(s) every pooled connection resolves unqualified names in, first one first. */
  searchPath?: string | readonly string[];
  /** Pool size; see `connectionBudget`. */
  max?: number;
  applicationName?: string;
  /** Seconds before an idle connection is closed; 0 keeps it open. */
  idleTimeout?: number;
  /** Further server settings sent at connection start (so a reconnect gets them too). */
  parameters?: Record<string, string>;
  /** Log in as another role than the URL's. */
  credentials?: { user: string; password: string };
}

/**
 * A postgres.js pool. The search_path travels as a startup parameter, so every connection
 * the pool opens gets it (a `SET search_path` would only reach the one connection that ran it).
 */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 2,
    idle_timeout: options.idleTimeout ?? 20,
    connect_timeout: 10,
    onnotice: () => {},
    ...(options.credentials ? { username: options.credentials.user, password: options.credentials.password } : {}),
    connection: {
      // Test data need not survive a server crash: commits do not wait for the WAL flush (often
      // milliseconds on CI disks), which every claim, factory insert and cleanup would pay.
      synchronous_commit: 'off',
      ...options.parameters,
      application_name: options.applicationName ?? 'runtag',
      ...(options.searchPath ? { search_path: [options.searchPath].flat().map(quoteIdent).join(',') } : {}),
    },
  });
}

/**
 * `fn` in a transaction on one connection of the pool, like postgres.js's `sql.begin`, except that
 * it sends no ROLLBACK to a connection that is gone: postgres.js 3.4.9 writes it from a timer to the
 * dropped socket, which crashes the process uncatchably (porsager/postgres#1208). The server has
 * rolled the transaction back with the connection anyway. For a pool that is ended after a failure
 * (its dead connection must not be handed out again).
 */
export async function inTransaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  try {
    await tx`begin`;
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      if (!isConnectionLoss(error)) await tx`rollback`.catch(() => {});
      throw error;
    }
    await tx`commit`;
    return result;
  } finally {
    tx.release();
  }
}

/** Quote an identifier for SQL text we must build ourselves (DDL, migration rewriting). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Run `fn` with a pool, ending the pool whatever happens. */
export async function withConnection<T>(url: string, fn: (sql: Sql) => Promise<T>, options?: ConnectOptions): Promise<T> {
  const sql = connect(url, { max: 1, ...options });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
