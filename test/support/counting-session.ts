import { drizzle } from 'drizzle-orm/postgres-js';
import * as schema from '../../schema/index.js';
import { FactorySession } from '../../src/factory/session.js';
import { currentRuntime } from '../../src/vitest/setup.js';

/** A session on this file's schema whose db counts the statements it sends. */
export function countingSession(): { session: FactorySession; statements: string[] } {
  const runtime = currentRuntime();
  const statements: string[] = [];
  const db = drizzle(runtime.testSchema.sql, { schema, logger: { logQuery: (query) => statements.push(query) } });
  const session = new FactorySession({ db, tag: runtime.session.tag, seed: 7 });
  return { session, statements };
}
