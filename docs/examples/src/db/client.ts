// src/db/client.ts: your app's own database client, made when the module loads
import { drizzle } from 'drizzle-orm/postgres-js';
import * as schema from './schema.js';

export const db = drizzle(process.env.DATABASE_URL!, { schema });
