import { databaseIdentity, countUsers } from '../src/services/users.js';
import { expect, test } from './notes-test.js';

// The app's own db module, untouched: it read DATABASE_URL when this file imported its services,
// after runtag had set it to this file's database.
test("the app's db connects with the URL runtag set for this file, as the file's role in schema isolation", async ({ runtag, databaseUrl }) => {
  expect(process.env.DATABASE_URL).toBe(runtag.databaseUrl);
  // A test's own URL is the file's, except in isolation "transaction" where each test's transaction has a listener of its own.
  if (runtag.config.isolation !== 'transaction') expect(databaseUrl).toBe(runtag.databaseUrl);
  const me = await databaseIdentity();
  if (runtag.config.isolation !== 'shared') {
    expect(me).toEqual({ user: runtag.testSchema.name, schema: runtag.testSchema.name });
  } else {
    expect(me.schema).toBe(runtag.config.sharedSchema);
  }
});

test('the app and the fixtures see the same rows', async ({ users, runtag }) => {
  await users.createList(3);
  if (runtag.config.isolation !== 'shared') expect(await countUsers()).toBe(3);
  else expect(await countUsers()).toBeGreaterThanOrEqual(3);
});

test('the app runs on the driver the project chose (NOTES_DB_DRIVER)', async () => {
  const [{ db }, pg] = await Promise.all([import('../src/db/index.js'), import('pg')]);
  const client = (db as unknown as { $client: unknown }).$client;
  if (process.env.NOTES_DB_DRIVER === 'postgres-js')
    expect(typeof client).toBe('function'); // postgres.js's sql
  else expect(client).toBeInstanceOf(pg.default.Pool);
});
