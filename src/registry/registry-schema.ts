import type { Sql } from '../db/connect.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';

/** The schema that holds the run registry. Nothing else of runtag's lives there. */
export const REGISTRY_SCHEMA = 'runtag';
const VERSION = 5;
/** Registries from this version on hold everything later versions read; later versions only add tables. */
const COMPATIBLE_SINCE = 3;

/**
 * The registry is the database's record of which runs exist, where they run, how alive they are,
 * which connections they leased and which scopes (roles, schemas) they created. Sweeping and the
 * connection budget read it; nothing is ever judged by the shape of a value.
 */
const DDL = `
create schema if not exists ${REGISTRY_SCHEMA};
create table if not exists ${REGISTRY_SCHEMA}.registry_version (version int primary key);
create table if not exists ${REGISTRY_SCHEMA}.runs (
  run_id        text primary key check (run_id ~ '^[0-9a-z]{8}-[0-9a-z]{1,4}-[0-9a-z]{4}-[0-9a-z]{8}$'),
  -- What the run's tags start with: unique among registered runs, so no two live runs share a tag prefix.
  run_key       text not null unique check (run_key ~ '^[0-9a-z-]+$'),
  host          text not null,
  host_identity text not null,
  pid           integer not null,
  shard         text,
  isolation     text not null check (isolation in ('schema', 'shared', 'transaction')),
  shared_schema text,
  started_at    timestamptz not null default now(),
  heartbeat_at  timestamptz not null default now(),
  connections   integer not null default 0 check (connections >= 0),
  finished_at   timestamptz,
  problem       text
);
create table if not exists ${REGISTRY_SCHEMA}.scopes (
  run_id      text not null references ${REGISTRY_SCHEMA}.runs on delete cascade,
  scope       text not null,
  label       text not null,
  role_name   text,
  schema_name text,
  -- The scope's number in its run, as its tags carry it (base 36).
  scope_no    integer not null,
  -- A schema the run's pool built ahead of demand: 'building', then 'ready' until a file claims it (then null).
  pool_state  text check (pool_state in ('building', 'ready')),
  -- The search_path a pooled schema's connections need (the schema, then the extensions' schema).
  search_path text[],
  opened_at   timestamptz not null default now(),
  primary key (run_id, scope),
  unique (run_id, scope_no)
);
-- Sealed schema templates (see schema-template.ts): not any run's, shared by every run whose migrations hash the same.
create table if not exists ${REGISTRY_SCHEMA}.templates (
  hash              text primary key check (hash ~ '^[0-9a-f]{64}$'),
  schema_name       text not null unique check (starts_with(schema_name, 'runtag_tpl_')),
  role_name         text not null unique check (starts_with(role_name, 'runtag_tpl_')),
  migrations_folder text not null,
  seeded            boolean not null,
  built_by          text not null,
  sealed_at         timestamptz not null default now(),
  last_used_at      timestamptz not null default now()
);
-- Summaries of finished runs (see run-history.ts), kept a week: what runtag runs merges across CI shards.
create table if not exists ${REGISTRY_SCHEMA}.run_history (
  run_id      text primary key,
  host        text not null,
  shard       text,
  ci_group    text,
  started_at  timestamptz not null,
  finished_at timestamptz not null default now(),
  summary     jsonb not null
);
insert into ${REGISTRY_SCHEMA}.registry_version values (${VERSION}) on conflict do nothing;
`;

/** The database user may not use (or create) the registry schema: a message naming the user, the privileges and the fix. */
export class RegistryPermissionError extends RuntagError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REGISTRY_PERMISSION' satisfies CodeOf<'RegistryPermissionError'>, message, options);
  }
}

/** Does the registry have `table` yet? A server no run has used has no registry; one from an older runtag may lack newer tables. */
export async function registryHas(sql: Sql, table: 'runs' | 'scopes' | 'templates' | 'run_history' | 'registry_version'): Promise<boolean> {
  try {
    const [row] = await sql<{ ok: boolean }[]>`select to_regclass(${`${REGISTRY_SCHEMA}.${table}`}) is not null as ok`;
    return row?.ok ?? false;
  } catch (error) {
    throw await explainRegistryPermission(sql, error);
  }
}

/** Create the registry on first use; concurrent runs serialize on an advisory lock. */
export async function ensureRegistry(sql: Sql): Promise<void> {
  try {
    await createRegistry(sql);
  } catch (error) {
    throw await explainRegistryPermission(sql, error);
  }
}

async function createRegistry(sql: Sql): Promise<void> {
  if ((await registryHas(sql, 'scopes')) && (await registryVersion(sql)) === VERSION) return;
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('runtag:registry'))`;
    const version = await registryVersion(tx as unknown as Sql);
    if (version !== null && version < COMPATIBLE_SINCE) {
      // An older registry (from a pre-release runtag) lacks columns this one needs: it only ever held runs, so start it afresh.
      await tx.unsafe(`drop table if exists ${REGISTRY_SCHEMA}.scopes, ${REGISTRY_SCHEMA}.runs, ${REGISTRY_SCHEMA}.registry_version`).simple();
    }
    await tx.unsafe(DDL).simple();
  });
}

async function registryVersion(sql: Sql): Promise<number | null> {
  if (!(await registryHas(sql, 'registry_version'))) return null;
  const [row] = await sql.unsafe<{ version: number | null }[]>(`select max(version)::int as version from ${REGISTRY_SCHEMA}.registry_version`);
  return row?.version ?? null;
}

/**
 * A permission error (SQLSTATE 42501) on the registry, explained: who is refused, what runtag needs
 * (the schema's USAGE and CREATE and its tables, or CREATE on the database to make it) and the
 * statements that grant it. Anything else is returned as it is.
 */
export async function explainRegistryPermission(sql: Sql, error: unknown): Promise<unknown> {
  if (error instanceof RegistryPermissionError || (error as { code?: string }).code !== '42501') return error;
  let who: { user: string; database: string; owner: string | null; createrole: boolean; superuser: boolean } | undefined;
  try {
    [who] = await sql<{ user: string; database: string; owner: string | null; createrole: boolean; superuser: boolean }[]>`
      select current_user as user, current_database() as database,
             (select pg_get_userbyid(nspowner) from pg_namespace where nspname = ${REGISTRY_SCHEMA}) as owner,
             r.rolcreaterole as createrole, r.rolsuper as superuser
      from pg_roles r where r.rolname = current_user`;
  } catch {
    // the connection is gone too: explain with what is known
  }
  const user = who?.user ?? '(the DATABASE_URL user)';
  const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const cause = (error as Error).message;
  const schemaPart = who?.owner
    ? `The schema "${REGISTRY_SCHEMA}" belongs to "${who.owner}". As "${who.owner}" or a superuser, grant it: ` +
      `GRANT USAGE, CREATE ON SCHEMA ${REGISTRY_SCHEMA} TO ${q(user)}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${REGISTRY_SCHEMA} TO ${q(user)};` +
      ` (or run the tests as "${who.owner}", or drop the schema if no other runtag uses it and let the next run create its own)`
    : `The schema "${REGISTRY_SCHEMA}" does not exist yet and the user may not create it: GRANT CREATE ON DATABASE ${q(who?.database ?? 'your_test_db')} TO ${q(user)};`;
  const createrole =
    who && !who.superuser && !who.createrole
      ? ` It also may not create roles, which isolation "schema" and "transaction" need (a role per test file): ALTER ROLE ${q(user)} CREATEROLE; or use isolation "shared".`
      : '';
  return new RegistryPermissionError(
    `runtag: the database user "${user}" may not use runtag's run registry, schema "${REGISTRY_SCHEMA}" in database "${who?.database ?? '?'}" (${cause}). ` +
      'runtag records every run there, so that crashed runs can be swept and connections budgeted between runs. ' +
      `${schemaPart}${createrole} Or point DATABASE_URL at a test database of the user's own.`,
    { cause: error },
  );
}
