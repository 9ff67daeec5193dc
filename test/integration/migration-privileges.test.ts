/**
 * Migrations are replayed into a file's schema as a role that owns only that schema: the database,
 * not a list of patterns, stops a migration from touching anything else. Each escape below slipped
 * past the old regex check and changed `public` once per test file.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as schema from '../../schema/index.js';
import { connect, type Sql } from '../../src/db/connect.js';
import { TestSchema } from '../../src/isolation/test-schema.js';
import { migrationsFolder } from '../support/migrations-folder.js';

const config = () => inject('runtag');
let sql: Sql;
const KEEP = `keep_me_${Math.random().toString(36).slice(2, 8)}`;
const checksum = async () => (await sql.unsafe(`select md5(string_agg(t::text, ',' order by id)) as sum from public.${KEEP} t`))[0]!.sum as string;
let scopeCounter = 0;
const open = (folder: string) =>
  TestSchema.open({
    url: config().databaseUrl,
    runId: config().runId,
    scope: `mp${(scopeCounter++).toString(36).padStart(4, '0')}`,
    mode: 'schema',
    schema,
    migrationsFolder: folder,
  });
const exists = async (query: string, params: unknown[] = []) => (await sql.unsafe(query, params as never[])).length > 0;

beforeAll(async () => {
  sql = connect(config().databaseUrl, { max: 2 });
  await sql
    .unsafe(`create table public.${KEEP} (id int primary key, note text not null); insert into public.${KEEP} values (1, 'mine'), (2, 'not yours')`)
    .simple();
});

afterAll(async () => {
  await sql.unsafe(`drop table if exists public.${KEEP}; drop table if exists public.evil_table; drop schema if exists evil cascade`).simple();
  await sql.end();
});

describe("a migration that reaches outside the file's schema", () => {
  const escapes: [string, string[], RegExp][] = [
    [
      'an unquoted public. write',
      ['CREATE TABLE "t" (id int);', `ALTER TABLE public.${KEEP} ADD COLUMN hacked int;`, `UPDATE public.${KEEP} SET note = 'changed';`],
      new RegExp(`ALTER TABLE public\\.${KEEP} ADD COLUMN hacked int`),
    ],
    ['SET SESSION search_path then CREATE TABLE', ['SET SESSION search_path = public;', 'CREATE TABLE evil_table (id int);'], /CREATE TABLE evil_table/],
    [
      "set_config('search_path') then CREATE TABLE",
      ["SELECT set_config('search_path', 'public', false);", 'CREATE TABLE evil_table (id int);'],
      /CREATE TABLE evil_table/,
    ],
    ['CREATE /* c */ SCHEMA', ['CREATE /* c */ SCHEMA evil;'], /CREATE \/\* c \*\/ SCHEMA evil/],
    ['RESET ROLE back to the admin', ['RESET ROLE;', `UPDATE public.${KEEP} SET note = 'changed';`], new RegExp(`UPDATE public\\.${KEEP}`)],
  ];

  it.each(escapes)('%s: refused by the database, named by file and statement, nothing changed or left', async (_, statements, statement) => {
    const before = await checksum();
    const folder = migrationsFolder({ '0000_init': ['CREATE TABLE "ok" (id int primary key);'], '0001_escape': statements });
    const attempt = open(folder);
    await expect(attempt).rejects.toThrow(
      /migration 0001_escape\.sql in ".*" failed at the statement `.*`: (permission denied|must be owner).* runtag replays migrations into the test file's own schema/s,
    );
    await expect(attempt).rejects.toThrow(statement);
    expect(await checksum()).toBe(before);
    expect(await exists(`select 1 from information_schema.columns where table_name = $1 and column_name = 'hacked'`, [KEEP])).toBe(false);
    expect(await exists(`select 1 from pg_class where relname = 'evil_table'`)).toBe(false);
    expect(await exists(`select 1 from pg_namespace where nspname = 'evil'`)).toBe(false);
    // The failed file's role and schema are gone.
    expect(await exists(`select 1 from pg_roles where rolname like $1`, [`rt\\_%mp%`])).toBe(false);
  });
});

describe('what migrations may do', () => {
  it('a SECURITY DEFINER function with its own SET search_path works', async () => {
    const folder = migrationsFolder({
      '0000_fn': [
        'CREATE TABLE "counter" (n int not null);',
        `CREATE FUNCTION bump() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ SELECT 1 $$;`,
      ],
    });
    const ts = await open(folder);
    try {
      const [row] = await ts.sql`select bump() as n`;
      expect(row!.n).toBe(1);
    } finally {
      await ts.teardown();
    }
  });

  it("extensions (citext, pgcrypto, uuid-ossp) work in every file and outlive each file's teardown", async () => {
    const folder = migrationsFolder({
      '0000_extensions': ['CREATE EXTENSION IF NOT EXISTS citext;', 'CREATE EXTENSION IF NOT EXISTS pgcrypto;', 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";'],
      '0001_people': [
        'CREATE TABLE "people" (id uuid primary key default uuid_generate_v4(), email citext not null unique, salt bytea not null default gen_random_bytes(8));',
      ],
    });
    const use = async (ts: { sql: Sql }) => {
      await ts.sql`insert into people (email) values ('Ann@Example.test')`;
      const [row] = await ts.sql`select count(*)::int as n from people where email = 'ann@example.test'`;
      expect(row!.n).toBe(1);
    };
    const first = await open(folder);
    await use(first);
    await first.teardown();
    const [a, b] = await Promise.all([open(folder), open(folder)]);
    await Promise.all([use(a!), use(b!)]);
    await Promise.all([a!.teardown(), b!.teardown()]);
    const [ext] = await sql`select count(*)::int as n from pg_extension where extname in ('citext', 'pgcrypto', 'uuid-ossp')`;
    expect(ext!.n).toBe(3);
  });

  it("teardown refuses to cascade into an object that is not runtag's, and reports it", async () => {
    const ts = await open(migrationsFolder({ '0000_init': ['CREATE TABLE "things" (id int primary key);'] }));
    const view = `not_runtags_view_${Math.random().toString(36).slice(2, 8)}`;
    await sql.unsafe(`create view public.${view} as select id from "${ts.name}".things`);
    try {
      await expect(ts.teardown()).rejects.toThrow(/objects that are not runtag's depend on them.*runtag never drops what it did not create/s);
      expect(await exists(`select 1 from pg_views where viewname = $1`, [view])).toBe(true);
    } finally {
      await sql.unsafe(`drop view if exists public.${view}`);
      await sql.unsafe(`drop owned by "${ts.name}"; drop role "${ts.name}"`).simple();
    }
  });
});

describe("what a migration plants runs as the file's role, during the tests and the cleanup", () => {
  // A trigger, a column default and a SECURITY DEFINER function, each writing to a table of public
  // (an audit log written unqualified is the realistic case): with the admin's rights they would change it.
  const planted = () => [
    `CREATE FUNCTION touch_public() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE public.${KEEP} SET note = 'changed by a trigger'; RETURN NEW; END $$;`,
    `CREATE FUNCTION default_from_public() RETURNS text LANGUAGE plpgsql AS $$ BEGIN UPDATE public.${KEEP} SET note = 'changed by a default'; RETURN 'x'; END $$;`,
    `CREATE FUNCTION definer_writes_public() RETURNS int LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN DELETE FROM public.${KEEP}; RETURN 1; END $$;`,
    'CREATE TABLE "audited" (id int primary key, tag text not null default default_from_public());',
    'CREATE TABLE "plain" (id int primary key);',
    'CREATE TRIGGER audit BEFORE INSERT OR DELETE ON "plain" FOR EACH ROW EXECUTE FUNCTION touch_public();',
  ];

  it("runtag's own connections and the app's (through the file's URL) cannot touch public, on either driver", async () => {
    const before = await checksum();
    const ts = await open(migrationsFolder({ '0000_planted': planted() }));
    const { Pool } = (await import('pg')).default;
    const app = new Pool({ connectionString: ts.connectionUrl, max: 1 });
    try {
      const attempts: [string, () => Promise<unknown>][] = [
        ['a trigger, through runtag', () => ts.sql`insert into plain values (1)`],
        ['a default, through runtag', () => ts.sql`insert into audited (id) values (1)`],
        ['a SECURITY DEFINER function, through runtag', () => ts.sql`select definer_writes_public()`],
        ['a trigger, through the app on node-postgres', () => app.query('insert into plain values (2)')],
        ['a default, through the app on node-postgres', () => app.query('insert into audited (id) values (2)')],
        ['a SECURITY DEFINER function, through the app', () => app.query('select definer_writes_public()')],
      ];
      for (const [what, attempt] of attempts) {
        await expect(attempt(), what).rejects.toThrow(new RegExp(`permission denied for (table ${KEEP}|schema public)`));
      }
      expect(await checksum()).toBe(before);
    } finally {
      await app.end();
      await ts.teardown();
    }
    // The cleanup (the schema dropped with what its role owns) fired nothing that reached public either.
    expect(await checksum()).toBe(before);
  });
});

describe("shared mode and drizzle-kit's own journal", () => {
  it('on a database migrated by drizzle-kit, applies only what is pending', async () => {
    const { createScratchDatabase } = await import('../support/scratch-database.js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { prepareSharedSchema } = await import('../../src/isolation/shared-schema.js');
    const db = await createScratchDatabase(config().databaseUrl, 'journal');
    try {
      const first = { '0000_init': ['CREATE TABLE "accounts" (id int primary key, email text not null unique);'] };
      await migrate(drizzle(db.sql), { migrationsFolder: migrationsFolder(first) });
      expect(await prepareSharedSchema(db.sql, 'public', migrationsFolder(first))).toBe(0);
      const second = { ...first, '0001_more': ['ALTER TABLE "accounts" ADD COLUMN "name" text;'] };
      expect(await prepareSharedSchema(db.sql, 'public', migrationsFolder(second))).toBe(1);
      const [journal] = await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(journal!.n).toBe(2);
      expect(await prepareSharedSchema(db.sql, 'public', migrationsFolder(second))).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
