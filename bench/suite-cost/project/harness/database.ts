import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { test as base } from 'vitest';
import * as schema from '../src/schema.js';

/**
 * The plain variants' database: what an app's own `db` module looks like (one pool from a URL),
 * opened by the variant's setup file. The fixtures give tests the same `db` and `prefix` that the
 * runtag variants' fixtures do, so every variant runs the same test body.
 */
let current: { sql: postgres.Sql; db: ReturnType<typeof drizzle<typeof schema>> } | undefined;

export function openDatabase(url: string) {
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  current = { sql, db: drizzle(sql, { schema }) };
  return current;
}

export function database() {
  if (!current) throw new Error('bench: the variant setup file opened no database');
  return current;
}

export async function closeDatabase(): Promise<void> {
  const closing = current;
  current = undefined;
  await closing?.sql.end({ timeout: 5 });
}

export const test = base.extend<{ db: ReturnType<typeof drizzle<typeof schema>>; prefix: string }>({
  // eslint-disable-next-line no-empty-pattern
  db: async ({}, use) => use(database().db),
  prefix: async ({ task }, use) => use(`${task.file.name}:${task.name}`),
});
