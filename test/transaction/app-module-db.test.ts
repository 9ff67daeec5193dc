/**
 * Isolation "transaction" with the app's own module-level db (node-postgres, its own pool): what
 * the app writes during a test joins the test's transaction through the sandbox and is rolled
 * back with it, so every test starts from what the file's beforeAll committed. On the previous
 * main the app's rows committed for real: the second test saw 2 users and runtag failed the
 * first with "committed on another connection".
 */
import pg from 'pg';
import { beforeAll } from 'vitest';
import { expect, test } from '../../src/example/vitest.js';
import { countUsers, findUser, signUp } from './app-module-db.js';

/** The database's (or the sandbox's) error under Drizzle's "Failed query" wrapper. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: Error) => ((e.cause ?? e) as Error).message,
  );

beforeAll(async () => {
  // Outside any test the sandbox passes statements through: this commits, and is every test's starting state.
  await signUp('kept@example.com');
});

test("the app signs a user up in its own transaction; the test sees it, beside beforeAll's", async ({ db }) => {
  await signUp('first@example.com');
  expect(await countUsers()).toBe(2);
  // runtag's db is on the same transaction: it sees the app's uncommitted row.
  expect([...(await db.execute('select count(*)::int as n from users'))]).toEqual([{ n: 2 }]);
});

test("the next test starts from beforeAll's state: the app's row was rolled back", async ({ runtag }) => {
  expect(await countUsers()).toBe(1);
  expect(await findUser('first@example.com')).toBeUndefined();
  // Nothing committed either, seen from outside the sandbox.
  expect(await runtag.testSchema.db.$count((await import('../../schema/index.js')).users)).toBe(1);
});

test('a failing app transaction rolls back only itself', async () => {
  expect(await failure(signUp('kept@example.com'))).toMatch(/duplicate key/);
  await signUp('second@example.com');
  expect(await countUsers()).toBe(2);
});

/** Both concurrent tests are inside their transactions before either writes. */
let arrived = 0;
let release!: () => void;
const barrier = new Promise<void>((resolve) => (release = resolve));
const meet = async () => {
  if (++arrived === 2) release();
  await barrier;
};

test.concurrent("concurrent A: the app on this test's own URL sees only A's rows", async ({ databaseUrl }) => {
  await meet();
  const own = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await own.query("insert into users (role, email, clerk_id, first_name, last_name) values ('PARENT', 'a@example.com', 'a', 'A', 'A')");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await own.query('select email from users order by email')).rows.map((r) => r.email)).toEqual(['a@example.com', 'kept@example.com']);
  } finally {
    await own.end();
  }
});

test.concurrent("concurrent B: the app's module-level db cannot tell which test it serves, and says so", async ({ databaseUrl }) => {
  await meet();
  // The file's shared URL, while two tests run: refused, naming both and what to do.
  expect(await failure(countUsers())).toMatch(/runtag sandbox: 2 tests of ".*app-module-db.test.ts" are running at once.*databaseUrl fixture/);
  const own = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    expect((await own.query('select count(*)::int as n from users')).rows[0].n).toBe(1);
  } finally {
    await own.end();
  }
});
