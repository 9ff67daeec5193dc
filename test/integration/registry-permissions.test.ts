/**
 * A database user that may not use the run registry (no CREATEROLE, CONNECT only, on a database
 * where another user created schema "runtag") gets a message naming the user, the privilege and
 * the fix, from a run and from the CLI, never a bare "permission denied for schema runtag"; and
 * nothing on the server changes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, quoteIdent } from '../../src/db/connect.js';
import { ensureRegistry } from '../../src/registry/registry-schema.js';
import { runChild, runFixtureSuite } from '../support/child-run.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

let db: ScratchDatabase;
const suffix = Math.random().toString(36).slice(2, 8);
const OWNER = `registry_owner_${suffix}`;
const APP = `app_user_${suffix}`;
let appUrl: string;

beforeAll(async () => {
  db = await createScratchDatabase(inject('runtag').databaseUrl, 'regperm');
  await db.sql.unsafe(`create role ${quoteIdent(OWNER)} nologin; create role ${quoteIdent(APP)} login password 'app-secret' nocreaterole nocreatedb`).simple();
  await db.sql.unsafe(`create schema runtag authorization ${quoteIdent(OWNER)}; create table runtag.other_tools_table (id int)`).simple();
  await db.sql.unsafe(`alter table runtag.other_tools_table owner to ${quoteIdent(OWNER)}`);
  const name = new URL(db.url).pathname.slice(1);
  await db.sql.unsafe(`revoke all on database ${quoteIdent(name)} from public; grant connect on database ${quoteIdent(name)} to ${quoteIdent(APP)}`).simple();
  const url = new URL(db.url);
  url.username = APP;
  url.password = 'app-secret';
  appUrl = url.toString();
});

afterAll(async () => {
  await db?.drop();
  const admin = connect(inject('runtag').databaseUrl, { max: 1 });
  await admin.unsafe(`drop role if exists ${quoteIdent(APP)}; drop role if exists ${quoteIdent(OWNER)}`).simple();
  await admin.end();
});

/** What the registry schema holds and who may use it: must be exactly as before. */
const registryState = async () =>
  db.sql`select c.relname as name, n.nspacl::text as acl from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'runtag' order by 1`;

const expected = (text: string) => {
  expect(text).toContain(`runtag: the database user "${APP}" may not use runtag's run registry`);
  expect(text).toMatch(/permission denied for schema runtag/);
  expect(text).toContain(`schema "runtag" belongs to "${OWNER}"`);
  expect(text).toContain(`GRANT USAGE, CREATE ON SCHEMA runtag TO "${APP}"`);
  expect(text).toContain(`ALTER ROLE "${APP}" CREATEROLE`);
};

describe('a user that may not use the registry', () => {
  it('ensureRegistry names the user, the privileges and the fix', async () => {
    const before = await registryState();
    const sql = connect(appUrl, { max: 1 });
    try {
      const error = await ensureRegistry(sql).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).toBe('RegistryPermissionError');
      expected(error!.message);
    } finally {
      await sql.end();
    }
    expect(await registryState()).toEqual(before);
  });

  it('a run and `runtag sweep` say so too, without a stack or a bare PostgresError', async () => {
    const before = await registryState();
    const run = runFixtureSuite(appUrl, ['test/fixtures/leaks/clean.fixture.ts']);
    expect(run.status).not.toBe(0);
    expected(run.output);
    const sweep = runChild('runtag', ['sweep'], { env: { DATABASE_URL: appUrl }, timeoutMs: 60_000 });
    expect(sweep.status).toBe(2);
    expected(sweep.stderr);
    expect(sweep.stderr).not.toMatch(/PostgresError|\n\s+at /);
    expect(await registryState()).toEqual(before);
  }, 120_000);
});
