import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';

/** The prefixes this file's tests wrote rows under, with the db they wrote through: deleted after the file. */
export const written: { db: PostgresJsDatabase<Record<string, unknown>>; prefix: string }[] = [];
