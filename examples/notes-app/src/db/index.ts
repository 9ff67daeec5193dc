import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import type { Database } from './database.js';
import * as schema from './schema.js';

/**
 * The app's database, as Drizzle's get-started guide makes it for node-postgres: one module-level
 * `db` from DATABASE_URL, which the services import. NOTES_DB_DRIVER=postgres-js switches to the
 * same on postgres.js (./postgres-js.ts).
 */
export const db: Database =
  process.env.NOTES_DB_DRIVER === 'postgres-js'
    ? (await import('./postgres-js.js')).db
    : drizzle(new Pool({ connectionString: process.env.DATABASE_URL }), { schema });

/** End the pool's connections: the server calls it when it shuts down. */
export async function closeDb(): Promise<void> {
  // A pg Pool and a postgres.js client both have end().
  await (db as unknown as { $client: { end: () => Promise<void> } }).$client.end();
}
