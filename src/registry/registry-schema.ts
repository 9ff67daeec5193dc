import type { Sql } from '../db/connect.js';

/** The schema that holds the run registry. Nothing else of runtag's lives there. */
export const REGISTRY_SCHEMA = 'runtag';
const VERSION = 1;

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
  host          text not null,
  host_identity text not null,
  pid           integer not null,
  shard         text,
  isolation     text not null check (isolation in ('schema', 'shared')),
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
  opened_at   timestamptz not null default now(),
  primary key (run_id, scope)
);
insert into ${REGISTRY_SCHEMA}.registry_version values (${VERSION}) on conflict do nothing;
`;

/** Create the registry on first use; concurrent runs serialize on an advisory lock. */
export async function ensureRegistry(sql: Sql): Promise<void> {
  const [present] = await sql<{ ok: boolean }[]>`
    select to_regclass(${`${REGISTRY_SCHEMA}.scopes`}) is not null as ok`;
  if (present?.ok) return;
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('runtag:registry'))`;
    await tx.unsafe(DDL).simple();
  });
}
