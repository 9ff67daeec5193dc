/**
 * The app as it is: services that import the app's own module-level db, built from DATABASE_URL
 * when the test file imports them, on node-postgres and on postgres.js. runtag's setup file sets
 * DATABASE_URL to the file's own URL before that import, so without any change to the app its
 * reads and writes land in the file's schema, as the file's role. Several files (this module run by
 * each of app-own-db-*.test.ts) on two workers: each sees exactly its own rows.
 */
import { expect, inject } from 'vitest';
import { withConnection } from '../../src/db/connect.js';
import { test } from '../support/runtag-test.js';
import { usersService, type AppDriver } from '../support/app/users-service.js';
import { pool } from '../support/app/db-pg.js';

export function appOwnDbTests(driver: AppDriver, signUps: number): void {
  const service = usersService(driver);

  test(`the app's own ${driver} db writes into this file's schema: it sees exactly its ${signUps} sign-ups`, async ({ tag, db, runtag }) => {
    for (let i = 0; i < signUps; i++) await service.signUp(tag.email(`app${i}`));
    expect(await service.count()).toBe(signUps);
    // runtag's own db sees the same rows: one schema.
    expect(await db.$count((await import('../../schema/index.js')).users)).toBe(signUps);
    if (runtag.config.isolation !== 'shared') expect((await service.whoAmI()).schema).toBe(runtag.testSchema.name);
  });

  test("the app's connections log in as the file's role, which cannot read another schema's table", async ({ runtag }) => {
    const me = await service.whoAmI();
    expect(me.user).not.toBe('postgres');
    expect(me.user).toBe(runtag.testSchema.name);
    // A table of the server's own, outside the file's schema: made by the admin, out of the file role's reach.
    const table = `public.keep_${runtag.scope}`;
    await withConnection(inject('runtag').databaseUrl, (admin) => admin.unsafe(`create table ${table} (id int); insert into ${table} values (1)`));
    try {
      // Drizzle wraps the driver's error; PostgreSQL's is its cause.
      const error = await service.readTable(table).then(
        () => undefined,
        (e: { cause?: Error }) => e.cause,
      );
      expect(error?.message).toMatch(/permission denied for table/);
    } finally {
      await withConnection(inject('runtag').databaseUrl, (admin) => admin.unsafe(`drop table ${table}`));
    }
  });

  test('DATABASE_URL, the databaseUrl fixture and fileDatabaseUrl() are one URL', async ({ databaseUrl }) => {
    const { fileDatabaseUrl } = await import('../../src/vitest/runtag-test.js');
    expect(process.env.DATABASE_URL).toBe(databaseUrl);
    expect(fileDatabaseUrl()).toBe(databaseUrl);
    expect(new URL(databaseUrl).searchParams.get('options')).toMatch(/^-c search_path=/);
  });

  // The app's pool stays open to the end of the file, as an app's would: runtag ends its connections when the file closes.
  void pool;
}
