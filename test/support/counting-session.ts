import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../../schema/index.js';
import { quoteIdent } from '../../src/db/connect.js';
import { FactorySession } from '../../src/factory/session.js';
import type { ScopeRuntime } from '../../src/lifecycle/scope-runtime.js';

/**
 * A session on this file's schema over a connection of its own that records every statement it
 * sends (postgres.js's debug hook sees them all, whether Drizzle built them or runtag did).
 */
export function countingSession(runtime: ScopeRuntime): { session: FactorySession; statements: string[]; end(): Promise<void> } {
  const statements: string[] = [];
  const sql = postgres(runtime.config.databaseUrl, {
    max: 1,
    onnotice: () => {},
    debug: (_connection, query) => statements.push(query.trim().toLowerCase()),
    connection: { search_path: runtime.testSchema.searchPath.map(quoteIdent).join(',') },
  });
  const session = new FactorySession({ db: drizzle(sql, { schema }), tag: runtime.session.tag, seed: 7 });
  return { session, statements, end: () => sql.end({ timeout: 5 }) };
}
