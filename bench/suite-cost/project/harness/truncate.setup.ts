// One migrated database per worker, every table truncated before each test.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { closeDatabase, database, openDatabase } from './database.js';

beforeAll(() => void openDatabase(process.env.BENCH_TRUNCATE_URL!.replace('WORKER', process.env.VITEST_POOL_ID ?? '1')));
beforeEach(async () => {
  await database().sql`truncate authors, posts, comments restart identity cascade`;
});
afterAll(closeDatabase);
