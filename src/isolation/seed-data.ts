import { pathToFileURL } from 'node:url';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Sql } from '../db/connect.js';
import { drizzleOver } from '../db/drizzle-db.js';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * Sample data every test file's schema starts with: `seedData: 'test/seed.ts'` in the runtag
 * options names a module whose default export is this function. It runs logged in as the
 * schema's own role (it cannot write anywhere else), once per schema, while the pool builds it.
 */
export type SeedData = (target: { db: PostgresJsDatabase; sql: Sql; schema: string }) => Promise<void> | void;

/** How a module is imported: natively, or through the test runner's transform (Vitest's project.import), so TypeScript works. */
export type ModuleImporter = (modulePath: string) => Promise<unknown>;

const nativeImport: ModuleImporter = (modulePath) => import(pathToFileURL(modulePath).href);

/** Load the seed module's default (or `seed`) export. */
export async function loadSeedData(modulePath: string, importModule: ModuleImporter = nativeImport): Promise<SeedData> {
  const module = (await importModule(modulePath)) as { default?: unknown; seed?: unknown };
  const seed = typeof module.default === 'function' ? module.default : module.seed;
  if (typeof seed !== 'function') {
    throw new RuntagError(
      'SEED_DATA_NO_FUNCTION',
      `runtag: the seed data module "${modulePath}" exports no function. Export one: export default async function seed({ db, sql }) { … }`,
    );
  }
  return seed as SeedData;
}

/** The seed module of a run, loaded once per process when the first schema needs it. */
export function seedDataFrom(modulePath: string | undefined, importModule?: ModuleImporter): { modulePath: string; load: () => Promise<SeedData> } | undefined {
  if (!modulePath) return undefined;
  let loaded: Promise<SeedData> | undefined;
  return { modulePath, load: () => (loaded ??= loadSeedData(modulePath, importModule)) };
}

/** Run the seed in `schema`, then move every sequence of the schema past the ids it wrote. */
export async function seedSchema(sql: Sql, schema: string, seed: SeedData, modulePath: string): Promise<void> {
  try {
    await seed({ db: drizzleOver(sql), sql, schema });
  } catch (error) {
    throw new RuntagError('SEED_DATA_FAILED', `runtag: the seed data module "${modulePath}" failed in schema "${schema}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  await moveSequencesPastData(sql, schema);
}

/** Move every sequence of `schema` past the ids its tables hold (after seeding, or copying seeded rows). */
export async function moveSequencesPastData(sql: Sql, schema: string): Promise<void> {
  // Identity and serial columns: the next generated id comes after the largest seeded one.
  const owned = await sql<{ seq: string; tbl: string; col: string }[]>`
    select format('%I.%I', sn.nspname, s.relname) as seq, format('%I.%I', tn.nspname, t.relname) as tbl, format('%I', a.attname) as col
    from pg_depend d
    join pg_class s on s.oid = d.objid and s.relkind = 'S'
    join pg_namespace sn on sn.oid = s.relnamespace
    join pg_class t on t.oid = d.refobjid
    join pg_namespace tn on tn.oid = t.relnamespace
    join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    where sn.nspname = ${schema} and d.deptype in ('a', 'i')`;
  const moves = owned.map(
    ({ seq, tbl, col }) =>
      `select setval('${seq.replaceAll("'", "''")}', max_id) from (select max(${col})::bigint as max_id from ${tbl}) m where max_id is not null`,
  );
  // One round trip for all of them.
  if (moves.length > 0) await sql.unsafe(moves.join(';\n')).simple();
}
