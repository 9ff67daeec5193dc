import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

/** The app's db on postgres.js instead of node-postgres (NOTES_DB_DRIVER=postgres-js). */
export const db = drizzle(postgres(process.env.DATABASE_URL!), { schema });
