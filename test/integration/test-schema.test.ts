import { sql as raw } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import * as schema from '../../schema/index.js';
import { connect } from '../../src/db/connect.js';
import { TestSchema } from '../../src/isolation/test-schema.js';
import { runSchemaPrefix } from '../../src/run/schema-names.js';
import { migrationsFolder } from '../support/migrations-folder.js';

const config = () => inject('runtag');
const open = (scope: string) =>
  TestSchema.open({
    url: config().databaseUrl,
    runId: config().runId,
    scope,
    mode: 'schema',
    schema,
    migrationsFolder: config().migrationsFolder,
    poolSize: 4,
  });

const admin = () => connect(config().databaseUrl, { max: 1 });
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe('TestSchema in schema mode', () => {
  it('creates a migrated schema named for the run and scope, with its own journal', async () => {
    const ts = await open('tsaaaa');
    closers.push(() => ts.teardown());
    expect(ts.name).toBe(`${runSchemaPrefix(config().runId)}tsaaaa`);
    const tables = await ts.sql<{ t: string }[]>`select table_name as t from information_schema.tables where table_schema = ${ts.name} order by 1`;
    expect(tables.map((r) => r.t)).toEqual(['__drizzle_migrations', 'bookings', 'children', 'instructor_profiles', 'users']);
  });

  it('rewrites drizzle-kit\'s "public". so foreign keys and enums live in the schema', async () => {
    const ts = await open('tsbbbb');
    closers.push(() => ts.teardown());
    const fks = await ts.sql<{ target: string }[]>`
      select distinct n.nspname as target from pg_constraint c
      join pg_class r on r.oid = c.confrelid join pg_namespace n on n.oid = r.relnamespace
      join pg_class s on s.oid = c.conrelid join pg_namespace sn on sn.oid = s.relnamespace
      where c.contype = 'f' and sn.nspname = ${ts.name}`;
    expect(fks.map((r) => r.target)).toEqual([ts.name]);
    const enums = await ts.sql<
      { n: number }[]
    >`select count(*)::int as n from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = ${ts.name} and t.typtype = 'e'`;
    expect(enums[0]!.n).toBe(2);
  });

  it('binds every pooled connection to the schema (search_path as a startup parameter)', async () => {
    const ts = await open('tscccc');
    closers.push(() => ts.teardown());
    // More concurrent queries than the pool has connections: all of them, on every connection, see the schema.
    const seen = await Promise.all(
      Array.from({ length: 16 }, () => ts.sql<{ s: string; pid: number }[]>`select current_schema() as s, pg_backend_pid() as pid, pg_sleep(0.02)`),
    );
    expect(new Set(seen.map((r) => r[0]!.s))).toEqual(new Set([ts.name]));
    expect(new Set(seen.map((r) => r[0]!.pid)).size).toBeGreaterThan(1);
  });

  it('keeps two schemas apart and drops its own on teardown', async () => {
    const a = await open('tsdddd');
    const b = await open('tseeee');
    closers.push(() => b.teardown());
    await a.db.insert(schema.users).values({ role: 'ADMIN', email: 'a@x.test', clerkId: 'a', firstName: 'A', lastName: 'A' });
    const [inB] = await b.db.select({ n: raw<number>`count(*)::int` }).from(schema.users);
    expect(inB!.n).toBe(0);

    expect(await a.teardown()).toEqual({ dropped: true, handedBack: false });
    expect(await a.teardown()).toEqual({ dropped: false, handedBack: false });
    const sql = admin();
    const left = await sql`select 1 from pg_namespace where nspname = ${a.name}`;
    await sql.end();
    expect(left).toHaveLength(0);
  });
});

describe("a file's connections", () => {
  it("log in as the file's role: what a migration defines (a default, a trigger) runs with its rights, not the admin's", async () => {
    const folder = migrationsFolder({
      '0000_audit': [
        'CREATE TABLE "notes" ("id" integer PRIMARY KEY, "written_by" text DEFAULT current_user, "checked_by" text)',
        `CREATE FUNCTION "check_writer"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.checked_by := current_user; RETURN NEW; END $$`,
        'CREATE TRIGGER "notes_check" BEFORE INSERT ON "notes" FOR EACH ROW EXECUTE FUNCTION "check_writer"()',
      ],
    });
    const ts = await TestSchema.open({ url: config().databaseUrl, runId: config().runId, scope: 'tsrole', mode: 'schema', schema, migrationsFolder: folder });
    closers.push(() => ts.teardown());
    await ts.sql`insert into notes (id) values (1)`;
    const [row] = await ts.sql<{ written_by: string; checked_by: string; superuser: boolean }[]>`
      select written_by, checked_by, (select rolsuper from pg_roles where rolname = current_user) as superuser from notes`;
    // The schema's role (named like the schema), never the DATABASE_URL user.
    expect(row).toEqual({ written_by: ts.name, checked_by: ts.name, superuser: false });
    // And it can write nowhere else: the public schema is not the file's.
    await expect(ts.sql`create table public.escaped (id int)`).rejects.toThrow(/permission denied for schema public/);
  });
});

describe('TestSchema in shared mode', () => {
  it('uses the named schema and never drops it', async () => {
    const sql = admin();
    await sql`create schema if not exists runtag_shared_probe`;
    const ts = await TestSchema.open({
      url: config().databaseUrl,
      runId: config().runId,
      scope: 'shprob',
      mode: 'shared',
      sharedSchema: 'runtag_shared_probe',
      schema,
    });
    const [row] = await ts.sql<{ s: string }[]>`select current_schema() as s`;
    expect(row!.s).toBe('runtag_shared_probe');
    expect(await ts.teardown()).toEqual({ dropped: false, handedBack: false });
    const still = await sql`select 1 from pg_namespace where nspname = 'runtag_shared_probe'`;
    await sql`drop schema runtag_shared_probe`;
    await sql.end();
    expect(still).toHaveLength(1);
  });
});
