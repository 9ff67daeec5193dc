/**
 * The app's own module-level db in shared isolation: DATABASE_URL reaches the shared schema, and a
 * row the app writes that hangs only off a factory's row (a child of a factory-made parent) is
 * deleted with it after the file, whoever inserted it: no leak reported, no parent "left behind".
 */
import { sql } from 'drizzle-orm';
import { afterAll, expect, inject } from 'vitest';
import { withConnection } from '../../src/db/connect.js';
import { test } from '../../src/example/vitest.js';
import { usersService } from '../support/app/users-service.js';

const service = usersService('pg');
const parents: string[] = [];

test("the app's own db reads and writes the shared schema, next to the factories' rows", async ({ users, runtag }) => {
  expect(runtag.config.isolation).toBe('shared');
  const parent = await users.createParent();
  parents.push(parent.id);
  await service.addChild(parent.id, 'Written by the app');
  expect(await service.countChildrenOf(parent.id)).toBe(1);
});

test("the app's connections, and runtag's, log in as the run's shared role: the shared schema's rows and nothing else", async ({ runtag, db }) => {
  const role = runtag.config.sharedRole?.name;
  expect(role).toMatch(/^rt_.*_shared$/);
  expect((await service.whoAmI()).user).toBe(role);
  const [mine] = await db.execute<{ user: string }>(sql`select current_user as "user"`);
  expect(mine!.user).toBe(role);
  // Outside the shared schema: a table of the server's own, which the DATABASE_URL user (a superuser here) could read.
  const table = `keep_${runtag.scope}`;
  await withConnection(inject('runtag').databaseUrl, (admin) => admin.unsafe(`create schema ${table}; create table ${table}.t (id int)`).simple());
  try {
    const error = await service.readTable(`${table}.t`).then(
      () => undefined,
      (e: { cause?: Error }) => e.cause,
    );
    expect(error?.message).toMatch(/permission denied for schema/);
    // No DDL in the shared schema either: migrations are the run's (as the DATABASE_URL user), not the tests'.
    await expect(db.execute(sql.raw(`create table public.${table} (id int)`))).rejects.toThrow();
  } finally {
    await withConnection(inject('runtag').databaseUrl, (admin) => admin.unsafe(`drop schema ${table} cascade`));
  }
});

afterAll(async () => {
  // Runs before runtag's cleanup of the file: the app's row is still there, hanging off the parent.
  const left = await withConnection(inject('runtag').databaseUrl, (sql) => sql`select count(*)::int as n from children where parent_id = ${parents[0]!}`);
  expect(left[0]!.n).toBe(1);
});
// After the file, runtag deletes the parent and the app's child with it; a row left would fail this file with a leak report.
