// An app's own database module, as Drizzle's get-started guide writes it for node-postgres: one
// module-level db from DATABASE_URL, imported by the services. Nothing runtag-specific.
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from '../../../schema/index.js';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL });
export const db = drizzle(pool, { schema });
