/**
 * Extensions migrations ask for are installed by runtag before the replay, in `runtag_ext`. Only a
 * CREATE EXTENSION the server would run counts (not one in a comment or a string); the migration's
 * own statement, with or without IF NOT EXISTS or a SCHEMA clause, then finds it; one the server
 * does not have fails naming the migration, the statement, the extension and the way out. Each test
 * runs in a database of its own, so what is installed there is exactly what the test did.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../src/db/connect.js';
import { loadMigrations } from '../../src/isolation/migration-files.js';
import { MigratingSchemaSource } from '../../src/isolation/schema-source.js';
import { runChild } from '../support/child-run.js';
import { plantUserData } from '../support/leftovers.js';
import { migrationsFolder } from '../support/migrations-folder.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

let db: ScratchDatabase;
let admin: Sql;
const runId = () => inject('runtag').runId;
const prefix = () => `rt_${runId().replaceAll('-', '_')}_`;
let counter = 0;

beforeAll(async () => {
  db = await createScratchDatabase(inject('runtag').databaseUrl, 'ext');
  admin = connect(db.url, { max: 1, applicationName: `runtag:${runId()}:ext-test` });
});
afterAll(async () => {
  await admin?.end({ timeout: 5 });
  await db?.drop();
});

const extensions = async () =>
  (await db.sql<{ name: string }[]>`select extname as name from pg_extension where extname <> 'plpgsql' order by 1`).map((r) => r.name);
/** What is on the database besides extensions: schemas and roles runtag made must be gone after a failure. */
const state = async () => ({
  schemas: (await db.sql<{ n: string }[]>`select nspname as n from pg_namespace where starts_with(nspname, 'rt_') order by 1`).map((r) => r.n),
  extensions: await extensions(),
});

async function acquire(migrations: Record<string, string[]>) {
  const source = new MigratingSchemaSource(admin, db.url, loadMigrations(migrationsFolder(migrations)), prefix(), `runtag:${runId()}:ext-test`);
  const name = `${prefix()}ext${(counter++).toString(36)}`;
  const { searchPath } = await source.acquire(name);
  return { name, searchPath, release: () => source.release(name) };
}

describe('extensions migrations use', () => {
  it('a CREATE EXTENSION in a line comment, a block comment or a string literal installs nothing', async () => {
    const schema = await acquire({
      '0000_init': [
        '-- pgvector: CREATE EXTENSION vector removed, we use cube later maybe\nCREATE TABLE "notes" (id int primary key, body text);',
        '/* CREATE EXTENSION IF NOT EXISTS seg; /* nested */ still a comment: CREATE EXTENSION isn; */ CREATE INDEX "notes_body" ON "notes" (body);',
        "INSERT INTO \"notes\" VALUES (1, 'CREATE EXTENSION ltree'), (2, E'it''s \\' CREATE EXTENSION hstore');",
        'CREATE FUNCTION "note_count"() RETURNS bigint LANGUAGE sql AS $body$ SELECT count(*) /* CREATE EXTENSION tablefunc */ FROM notes $body$;',
      ],
    });
    try {
      expect(await extensions()).toEqual([]);
      const ts = connect(db.url, { max: 1, searchPath: schema.searchPath });
      expect((await ts`select body from notes order by id`).map((r) => r.body)).toEqual(['CREATE EXTENSION ltree', "it's ' CREATE EXTENSION hstore"]);
      await ts.end();
    } finally {
      await schema.release();
    }
  });

  it('CREATE EXTENSION "cube" SCHEMA public (no IF NOT EXISTS) replays in every file: it finds runtag\'s own install', async () => {
    const migrations = { '0000_cube': ['CREATE EXTENSION "cube" SCHEMA public;', 'CREATE TABLE "boxes" (id int primary key, size cube not null);'] };
    const first = await acquire(migrations);
    const second = await acquire(migrations);
    try {
      for (const schema of [first, second]) {
        const ts = connect(db.url, { max: 1, searchPath: schema.searchPath });
        await ts`insert into boxes values (1, cube(array[1, 2]))`;
        expect((await ts`select cube_dim(size) as d from boxes`)[0]!.d).toBe(2);
        await ts.end();
      }
      const [where] = await db.sql`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'cube'`;
      expect(where!.schema).toBe('runtag_ext');
      // Nothing reached public.
      expect((await db.sql`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`)[0]!.n).toBe(0);
    } finally {
      await first.release();
      await second.release();
      await db.sql`drop extension if exists cube`;
    }
  });

  it('an extension the server does not have: the error names the migration, the statement, the extension and DATABASE_URL; nothing is installed or left', async () => {
    const before = await state();
    const attempt = acquire({
      '0000_init': ['CREATE EXTENSION IF NOT EXISTS citext;', 'CREATE TABLE "people" (id int primary key, email citext);'],
      '0001_vectors': ['CREATE EXTENSION IF NOT EXISTS vector;', 'CREATE TABLE "items" (id int primary key, embedding vector(3));'],
    });
    await expect(attempt).rejects.toThrow(
      /^runtag: migration 0001_vectors\.sql in ".*" needs the extension "vector" \(at the statement `CREATE EXTENSION IF NOT EXISTS vector;`\), but this PostgreSQL [\d.]+ server does not have it \(extension "vector" is not available.*installed none.*DATABASE_URL at a server that has it/s,
    );
    await expect(attempt).rejects.toMatchObject({ name: 'MissingExtensionError' });
    // citext is available, but nothing was installed for a set that cannot be replayed.
    expect(await state()).toEqual(before);
  });

  it('a run whose files fail to set up says FAILED, never "no leaks.", and takes back only the extensions it installed', async () => {
    const checksum = await plantUserData(db.sql);
    const original = await checksum();
    await db.sql`create extension if not exists hstore`; // there before the run: it must stay
    const before = await state();
    const folder = migrationsFolder({
      '0000_init': [
        'CREATE EXTENSION IF NOT EXISTS hstore;',
        'CREATE EXTENSION IF NOT EXISTS cube;',
        'CREATE TABLE "boxes" (id int primary key, size cube, tags hstore);',
      ],
      '0001_broken': ['SELECT 1/0;'],
    });
    const run = runChild('vitest', ['--config', 'test/fixtures/setup-failure/vitest.config.ts', 'test/fixtures/leaks/clean.fixture.ts'], {
      env: { DATABASE_URL: db.url, FIXTURE_MIGRATIONS: folder },
    });
    try {
      expect(run.status, run.output).not.toBe(0);
      expect(run.output).toMatch(/migration 0001_broken\.sql .* division by zero/);
      expect(run.output).toMatch(
        /runtag: run \S+ \(schema\): .*FAILED: 1 file\(s\) failed to set up or tear down \(test\/fixtures\/leaks\/clean\.fixture\.ts\)/,
      );
      expect(run.output).not.toMatch(/no leaks\./);
      expect(run.output).toMatch(/took back the extension\(s\) it installed: cube\./);
      expect(await state()).toEqual(before);
      expect(await checksum()).toBe(original);
    } finally {
      await db.sql`drop extension if exists hstore`;
    }
  }, 120_000);
});
