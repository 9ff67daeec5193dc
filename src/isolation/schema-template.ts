import { inTransaction, quoteIdent, type Sql } from '../db/connect.js';
import { REGISTRY_SCHEMA } from '../registry/registry-schema.js';
import { recordScope } from '../registry/run-records.js';
import { runApplicationName, type RunId } from '../run/run-id.js';
import type { MigrationSet } from './migration-files.js';
import { runSchemaPrefix } from '../run/schema-names.js';
import { MigratingSchemaSource } from './schema-source.js';
import { dropScopeRole } from '../ownership/scope-role.js';
import type { SeedData } from './seed-data.js';
import type { SealedTemplate } from './template-copy.js';
import { templateHash } from './template-hash.js';

/** Where sealed templates live: outside every run's `rt_` prefix, so no run's sweep ever sees them as its own. */
const TEMPLATE_PREFIX = 'runtag_tpl_';
/** A template no run used for this long is dropped by the next run that seals one. */
const UNUSED_TEMPLATE_DAYS = 7;
/** The scope under which a run registers the template it is building (so a crash mid-build is swept with the run). */
export const TEMPLATE_BUILDING_SCOPE = 'template';

export interface TemplateOptions {
  url: string;
  runId: RunId;
  migrations: MigrationSet;
  seedData?: { modulePath: string; load: () => Promise<SeedData> };
}

/**
 * The sealed template for these migrations (and seed data) on this server, built if there is none.
 * Built once per server and hash, whichever run comes first: under an advisory lock (a second run
 * waits, then finds it sealed), under the building run's own temporary name and role (a crash
 * mid-build leaves only a scope of a dead run, which the sweep removes), and sealed in one
 * transaction (renamed, made read-only, recorded) only once complete. A changed migration or seed
 * module changes the hash: the next run builds a new template; stale ones go after a week unused.
 */
export async function ensureTemplate(admin: Sql, options: TemplateOptions): Promise<SealedTemplate> {
  const hash = templateHash(options.migrations, options.seedData?.modulePath);
  const sealed = await findSealed(admin, hash);
  if (sealed) return sealed;
  await admin`select pg_advisory_lock(hashtext(${`runtag:template:${hash}`}))`;
  try {
    return (await findSealed(admin, hash)) ?? (await buildTemplate(admin, options, hash));
  } finally {
    await admin`select pg_advisory_unlock(hashtext(${`runtag:template:${hash}`}))`;
  }
}

/** The sealed template of `hash` if its schema is really there (someone may have dropped it by hand); marks it used. */
async function findSealed(admin: Sql, hash: string): Promise<SealedTemplate | undefined> {
  const [row] = await admin.unsafe<{ schema_name: string; present: boolean }[]>(
    `update ${REGISTRY_SCHEMA}.templates set last_used_at = now() where hash = $1
     returning schema_name, exists (select 1 from pg_namespace where nspname = schema_name) as present`,
    [hash],
  );
  if (!row) return undefined;
  if (row.present) return { hash, schema: row.schema_name };
  // Its record outlived its schema: rebuild (the role, if left, is dropped with the record).
  await forgetTemplate(admin, hash);
  return undefined;
}

async function buildTemplate(admin: Sql, options: TemplateOptions, hash: string): Promise<SealedTemplate> {
  const building = `${runSchemaPrefix(options.runId)}${TEMPLATE_BUILDING_SCOPE}`;
  const name = `${TEMPLATE_PREFIX}${hash.slice(0, 16)}`;
  await recordScope(admin, options.runId, { scope: TEMPLATE_BUILDING_SCOPE, label: '(schema template)', roleName: building, schemaName: building });
  const source = new MigratingSchemaSource(
    admin,
    options.url,
    options.migrations,
    runSchemaPrefix(options.runId),
    runApplicationName(options.runId, 'template'),
    {
      seedData: options.seedData,
    },
  );
  await source.acquire(building);
  // Roles are the server's, schemas the database's: the same migrations in two databases of one server get two template roles.
  const [{ oid }] = (await admin`select oid::int from pg_database where datname = current_database()`) as unknown as [{ oid: number }];
  const role = `${name}_${oid}`;
  await inTransaction(admin, async (tx) => {
    // Copies read it as their own roles; nobody writes it again (its role cannot log in).
    await tx.unsafe(`grant usage on schema ${quoteIdent(building)} to public`);
    await tx.unsafe(`grant select on all tables in schema ${quoteIdent(building)} to public`);
    await tx.unsafe(`alter schema ${quoteIdent(building)} rename to ${quoteIdent(name)}`);
    await tx.unsafe(`alter role ${quoteIdent(building)} rename to ${quoteIdent(role)}`);
    await tx.unsafe(`alter role ${quoteIdent(role)} nologin`);
    await tx.unsafe(`delete from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and scope = $2`, [options.runId, TEMPLATE_BUILDING_SCOPE]);
    await tx.unsafe(
      `insert into ${REGISTRY_SCHEMA}.templates (hash, schema_name, role_name, migrations_folder, seeded, built_by)
       values ($1, $2, $3, $4, $5, $6)`,
      [hash, name, role, options.migrations.folder, options.seedData !== undefined, options.runId],
    );
  });
  await pruneUnusedTemplates(admin);
  return { hash, schema: name };
}

/** Drop templates no run used for a week, each through the role runtag created for it (never by name alone). */
export async function pruneUnusedTemplates(admin: Sql, unusedForDays = UNUSED_TEMPLATE_DAYS): Promise<string[]> {
  const stale = await admin.unsafe<{ hash: string; schema_name: string }[]>(
    `select hash, schema_name from ${REGISTRY_SCHEMA}.templates where last_used_at < now() - make_interval(days => $1)`,
    [unusedForDays],
  );
  for (const { hash } of stale) await forgetTemplate(admin, hash);
  return stale.map((t) => t.schema_name);
}

async function forgetTemplate(admin: Sql, hash: string): Promise<void> {
  const [row] = await admin.unsafe<{ role_name: string }[]>(`delete from ${REGISTRY_SCHEMA}.templates where hash = $1 returning role_name`, [hash]);
  if (row && row.role_name.startsWith(TEMPLATE_PREFIX)) await dropScopeRole(admin, row.role_name);
}

/** Sealed templates on this server, for `runtag doctor`. */
export async function listTemplates(
  admin: Sql,
): Promise<{ hash: string; schema: string; migrationsFolder: string; seeded: boolean; sealedAt: Date; lastUsedAt: Date }[]> {
  const rows = await admin.unsafe<{ hash: string; schema_name: string; migrations_folder: string; seeded: boolean; sealed_at: Date; last_used_at: Date }[]>(
    `select hash, schema_name, migrations_folder, seeded, sealed_at, last_used_at from ${REGISTRY_SCHEMA}.templates order by last_used_at desc`,
  );
  return rows.map((r) => ({
    hash: r.hash,
    schema: r.schema_name,
    migrationsFolder: r.migrations_folder,
    seeded: r.seeded,
    sealedAt: r.sealed_at,
    lastUsedAt: r.last_used_at,
  }));
}
