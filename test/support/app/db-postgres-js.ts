// The same app module on postgres.js, with drizzle's URL shorthand.
import { drizzle } from 'drizzle-orm/postgres-js';
import * as schema from '../../../schema/index.js';

export const db = drizzle(process.env.DATABASE_URL!, { schema });
