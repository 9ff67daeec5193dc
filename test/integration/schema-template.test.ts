/**
 * The schema template: migrations (and seed data) built once per server and hash, by whichever run
 * comes first, under that run's temporary name, sealed only when complete; pooled schemas are
 * copies of it. On a schema unlike the booking domain: an extension, an enum, identity columns
 * with explicit ids, a self-reference, a composite-key join table and a generated column.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../src/db/connect.js';
import { loadMigrations, type MigrationSet } from '../../src/isolation/migration-files.js';
import { runSchemaPrefix } from '../../src/run/schema-names.js';
import { MigratingSchemaSource } from '../../src/isolation/schema-source.js';
import { SchemaPool } from '../../src/isolation/schema-pool.js';
import { ensureTemplate, pruneUnusedTemplates } from '../../src/isolation/schema-template.js';
import type { SealedTemplate } from '../../src/isolation/template-copy.js';
import { templateHash } from '../../src/isolation/template-hash.js';
import type { SeedData } from '../../src/isolation/seed-data.js';
import { hostIdentity } from '../../src/util/host-identity.js';
import { ensureRegistry } from '../../src/registry/registry-schema.js';
import { createRunId, type RunId } from '../../src/run/run-id.js';
import { createRunKey } from '../../src/run/run-key.js';
import { migrationsFolder } from '../support/migrations-folder.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { testTempDir } from '../support/temp-dir.js';

const WIKI = {
  '0000_wiki': [
    'CREATE EXTENSION IF NOT EXISTS citext',
    "CREATE TYPE \"page_state\" AS ENUM('draft', 'live')",
    'CREATE TABLE "pages" ("id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY, "slug" citext NOT NULL UNIQUE, ' +
      '"state" "page_state" NOT NULL DEFAULT \'draft\', "parent_id" integer REFERENCES "pages"("id"), ' +
      '"title" varchar(40) NOT NULL, "title_length" integer GENERATED ALWAYS AS (length("title")) STORED)',
    'CREATE TABLE "labels" ("code" varchar(12) PRIMARY KEY)',
    'CREATE TABLE "page_labels" ("page_id" integer NOT NULL REFERENCES "pages"("id"), "label" varchar(12) NOT NULL REFERENCES "labels"("code"), PRIMARY KEY ("page_id", "label"))',
  ],
};

/** Explicit ids, a child before its parent in id order, rows in every table. */
const seedWiki: SeedData = async ({ sql }) => {
  await sql`insert into labels values ('howto'), ('faq')`;
  await sql`insert into pages (id, slug, state, title) overriding system value values (7, 'Home', 'live', 'Home page')`;
  await sql`insert into pages (id, slug, parent_id, title) overriding system value values (3, 'Install', 7, 'Installing')`;
  await sql`insert into page_labels values (3, 'howto'), (7, 'faq')`;
};

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase(inject('runtag').databaseUrl, 'template');
  await ensureRegistry(db.sql);
});
afterAll(async () => db?.drop());

/** A registered run of this process, as runtag's globalSetup would make one. */
async function registerRun(sql: Sql): Promise<RunId> {
  const runId = createRunId();
  await sql`insert into runtag.runs (run_id, run_key, host, host_identity, pid, isolation)
            values (${runId}, ${createRunKey()}, ${hostname()}, ${hostIdentity()}, ${process.pid}, 'schema')`;
  return runId;
}

/** A seed module file (its content is part of the template's hash) whose function counts its calls and may be held. */
function seedModule(seed: SeedData): { modulePath: string; load: () => Promise<SeedData>; calls: () => number; hold: () => () => void } {
  const modulePath = join(testTempDir('runtag-seed-'), 'seed.ts');
  writeFileSync(modulePath, `export default async function seed() {} // ${Math.random()}\n`);
  let calls = 0;
  let gate: Promise<void> = Promise.resolve();
  const counted: SeedData = async (target) => {
    calls += 1;
    await gate;
    await seed(target);
  };
  return {
    modulePath,
    load: async () => counted,
    calls: () => calls,
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
  };
}

async function copyOf(sql: Sql, migrations: MigrationSet, runId: RunId, template: SealedTemplate, seed: ReturnType<typeof seedModule>) {
  const name = `${runSchemaPrefix(runId)}p1`;
  const source = new MigratingSchemaSource(sql, db.url, migrations, runSchemaPrefix(runId), 'runtag:test:copy', { seedData: seed, template });
  const { searchPath } = await source.acquire(name);
  return { name, searchPath, release: () => source.release(name) };
}

describe('schema template', () => {
  it("is built once, under the first run's temporary name, sealed when complete; a second run waits for it instead of building", async () => {
    const migrations = loadMigrations(migrationsFolder(WIKI));
    const seed = seedModule(seedWiki);
    const release = seed.hold();
    const [a, b] = [connect(db.url, { max: 1 }), connect(db.url, { max: 1 })];
    try {
      const runA = await registerRun(db.sql);
      const runB = await registerRun(db.sql);
      const first = ensureTemplate(a, { url: db.url, runId: runA, migrations, seedData: seed });
      // Run A is seeding: the template exists only under A's own name, registered as A's scope, and is not sealed.
      const building = `${runSchemaPrefix(runA)}template`;
      await expect.poll(async () => seed.calls(), { timeout: 30_000 }).toBe(1);
      const during = await db.sql`select
        (select count(*)::int from pg_namespace where nspname = ${building}) as building,
        (select count(*)::int from pg_namespace where starts_with(nspname, 'runtag_tpl_')) as sealed,
        (select count(*)::int from runtag.templates) as records,
        (select count(*)::int from runtag.scopes where run_id = ${runA} and schema_name = ${building}) as registered`;
      expect(during[0]).toEqual({ building: 1, sealed: 0, records: 0, registered: 1 });

      const second = ensureTemplate(b, { url: db.url, runId: runB, migrations, seedData: seed });
      // B waits on the template's advisory lock (no error, no second build).
      await expect
        .poll(async () => (await db.sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)[0]!.n, { timeout: 30_000 })
        .toBe(1);
      release();
      const [sealedA, sealedB] = await Promise.all([first, second]);
      expect(sealedB).toEqual(sealedA);
      expect(sealedA.schema).toMatch(/^runtag_tpl_[0-9a-f]{16}$/);
      expect(seed.calls()).toBe(1);
      const after = await db.sql`select
        (select count(*)::int from pg_namespace where nspname = ${building}) as building,
        (select count(*)::int from runtag.scopes where schema_name = ${building}) as registered,
        (select count(*)::int from runtag.templates where schema_name = ${sealedA.schema}) as records,
        (select count(*)::int from ${db.sql(sealedA.schema)}.pages) as pages,
        (select rolcanlogin from pg_roles where rolname = (select role_name from runtag.templates where hash = ${sealedA.hash})) as can_log_in`;
      expect(after[0]).toEqual({ building: 0, registered: 0, records: 1, pages: 2, can_log_in: false });
    } finally {
      release();
      await Promise.all([a.end(), b.end()]);
    }
  }, 60_000);

  it("a copy starts with the template's rows (ids, enum, self-reference, join table), sequences past them, and runs no seed", async () => {
    const migrations = loadMigrations(migrationsFolder(WIKI));
    const seed = seedModule(seedWiki);
    const runId = await registerRun(db.sql);
    const template = await ensureTemplate(db.sql, { url: db.url, runId, migrations, seedData: seed });
    expect(seed.calls()).toBe(1);
    const copy = await copyOf(db.sql, migrations, runId, template, seed);
    try {
      expect(seed.calls()).toBe(1);
      const pages = await db.sql`select id, slug::text, state::text, parent_id, title_length from ${db.sql(copy.name)}.pages order by id`;
      expect(pages).toEqual([
        { id: 3, slug: 'Install', state: 'draft', parent_id: 7, title_length: 10 },
        { id: 7, slug: 'Home', state: 'live', parent_id: null, title_length: 9 },
      ]);
      const [labels] = await db.sql`select count(*)::int as n from ${db.sql(copy.name)}.page_labels`;
      expect(labels!.n).toBe(2);
      // The copy's enum column is of the copy's own type, so dropping the template later cannot reach into it.
      const [type] =
        await db.sql`select n.nspname as schema from pg_attribute a join pg_type t on t.oid = a.atttypid join pg_namespace n on n.oid = t.typnamespace
        where a.attrelid = ${`"${copy.name}".pages`}::regclass and a.attname = 'state'`;
      expect(type!.schema).toBe(copy.name);
      const [next] = await db.sql`insert into ${db.sql(copy.name)}.pages (slug, title) values ('new', 'New') returning id`;
      expect(next!.id).toBeGreaterThan(7);
      // Sealed means read-only: a copy's role may read the template, not write it.
      const role = copy.name;
      await expect(
        db.sql.begin(async (tx) => {
          await tx.unsafe(`set local role ${role}`);
          await tx.unsafe(`insert into "${template.schema}".labels values ('x')`);
        }),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await copy.release();
    }
  }, 60_000);

  it('a changed migration gets a template of its own; one unused for a week is dropped through its role, nothing else', async () => {
    const seed = seedModule(seedWiki);
    const runId = await registerRun(db.sql);
    const before = await ensureTemplate(db.sql, { url: db.url, runId, migrations: loadMigrations(migrationsFolder(WIKI)), seedData: seed });
    const changed = { '0000_wiki': [...WIKI['0000_wiki'], 'ALTER TABLE "labels" ADD COLUMN "color" text'] };
    const after = await ensureTemplate(db.sql, { url: db.url, runId, migrations: loadMigrations(migrationsFolder(changed)), seedData: seed });
    expect(after.hash).not.toBe(before.hash);
    expect(after.schema).not.toBe(before.schema);

    // Someone else's schema that merely looks like a template, and no record of it: never touched.
    await db.sql.unsafe('create schema runtag_tpl_lookalike; create table runtag_tpl_lookalike.keep (id int)').simple();
    await db.sql`update runtag.templates set last_used_at = now() - interval '8 days' where hash = ${before.hash}`;
    const [{ role }] = (await db.sql`select role_name as role from runtag.templates where hash = ${before.hash}`) as unknown as [{ role: string }];
    const pruned = await pruneUnusedTemplates(db.sql);
    expect(pruned).toEqual([before.schema]);
    const [state] = await db.sql`select
      (select count(*)::int from pg_namespace where nspname = ${before.schema}) as old_schema,
      (select count(*)::int from pg_roles where rolname = ${role}) as old_role,
      (select count(*)::int from pg_namespace where nspname = ${after.schema}) as new_schema,
      (select count(*)::int from pg_namespace where nspname = 'runtag_tpl_lookalike') as lookalike`;
    expect(state).toEqual({ old_schema: 0, old_role: 0, new_schema: 1, lookalike: 1 });
    await pruneUnusedTemplates(db.sql, 0);
  }, 60_000);

  it("the same migrations in two databases of one server (roles are the server's) get a template in each", async () => {
    const other = await createScratchDatabase(inject('runtag').databaseUrl, 'template2');
    try {
      await ensureRegistry(other.sql);
      const migrations = loadMigrations(migrationsFolder(WIKI));
      const seed = seedModule(seedWiki);
      const here = await ensureTemplate(db.sql, { url: db.url, runId: await registerRun(db.sql), migrations, seedData: seed });
      const there = await ensureTemplate(other.sql, { url: other.url, runId: await registerRun(other.sql), migrations, seedData: seed });
      expect(there.schema).toBe(here.schema);
      const [{ n }] = (await other.sql`select count(*)::int as n from ${other.sql(there.schema)}.pages`) as unknown as [{ n: number }];
      expect(n).toBe(2);
      await pruneUnusedTemplates(other.sql, 0);
    } finally {
      await other.drop();
    }
    await pruneUnusedTemplates(db.sql, 0);
  }, 60_000);

  it("a template that fails to seal is dropped with the run's pool; what blocked it (not the run's) is untouched", async () => {
    const folder = migrationsFolder({ '0000_notes': ['CREATE TABLE "notes" ("id" integer PRIMARY KEY)'] });
    const migrations = loadMigrations(folder);
    // Someone else's role under the name the sealed template's role would get: sealing must fail, and must not touch it.
    const [{ oid }] = (await db.sql`select oid::int from pg_database where datname = current_database()`) as unknown as [{ oid: number }];
    const blocker = `runtag_tpl_${templateHash(migrations, undefined).slice(0, 16)}_${oid}`;
    await db.sql.unsafe(`create role ${blocker} nologin`);
    const runId = await registerRun(db.sql);
    const pool = SchemaPool.start({ url: db.url, runId, migrationsFolder: folder, size: 1, runDir: testTempDir('runtag-pool-') });
    try {
      await expect.poll(() => pool.stats.failure, { timeout: 30_000 }).toMatch(new RegExp(`role "${blocker}" already exists`));
    } finally {
      await pool.stop();
    }
    const prefix = runSchemaPrefix(runId);
    const [left] = await db.sql`select
      (select count(*)::int from pg_namespace where starts_with(nspname, ${prefix})) as schemas,
      (select count(*)::int from pg_roles where starts_with(rolname, ${prefix})) as roles,
      (select count(*)::int from runtag.scopes where run_id = ${runId}) as scopes,
      (select count(*)::int from runtag.templates where schema_name = ${`runtag_tpl_${templateHash(migrations, undefined).slice(0, 16)}`}) as sealed,
      (select count(*)::int from pg_roles where rolname = ${blocker}) as blocker`;
    expect(left).toEqual({ schemas: 0, roles: 0, scopes: 0, sealed: 0, blocker: 1 });
    await db.sql.unsafe(`drop role ${blocker}`);
  }, 60_000);
});
