// Plain Vitest, one database for everyone, each file deleting its own rows afterwards: the flaky baseline.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { authors } from '../src/schema.js';
import { closeDatabase, database, openDatabase } from './database.js';

// eslint-disable-next-line no-empty-pattern
beforeAll(() => void openDatabase(process.env.BENCH_PLAIN_URL!));
// eslint-disable-next-line no-empty-pattern
afterAll(async ({}, suite) => {
  await database()
    .db.delete(authors)
    .where(sql`${authors.name} like ${`${suite.file.name}:%`}`);
  await closeDatabase();
});
