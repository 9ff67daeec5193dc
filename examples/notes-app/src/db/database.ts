import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/** What the services take: Drizzle on either driver (node-postgres by default, postgres.js on request). */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
