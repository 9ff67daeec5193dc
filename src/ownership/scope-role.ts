import { randomBytes } from 'node:crypto';
import { quoteIdent, type Sql } from '../db/connect.js';
import { RuntagError } from '../errors/runtag-error.js';

export interface ScopeRole {
  name: string;
  password: string;
}

/**
 * The role a test file's schema belongs to. It can log in, owns that one schema, and has no
 * privilege anywhere else: migrations replayed as this role cannot write to `public` or create
 * schemas, and the database itself knows which objects are the file's (what the role owns).
 */
export async function createScopeRole(admin: Sql, name: string): Promise<ScopeRole> {
  const password = randomBytes(18).toString('base64url');
  const [me] = await admin<{ superuser: boolean; createrole: boolean; user: string; version: number }[]>`
    select rolsuper as superuser, rolcreaterole as createrole, current_user as user, current_setting('server_version_num')::int as version
    from pg_roles where rolname = current_user`;
  if (!me?.superuser && !me?.createrole) {
    throw new RuntagError(
      'CANNOT_CREATE_ROLE',
      `runtag: the database user "${me?.user}" may not create roles, and runtag gives each test file a role of its own (it owns the file's schema ` +
        'and nothing else, so migrations cannot touch other schemas). Grant it: ALTER ROLE "' +
        `${me?.user}" CREATEROLE; or use isolation "shared" with a database you migrate yourself.`,
    );
  }
  // The password is random and the role lives for one file: one SCRAM iteration instead of 4096 makes
  // each login as the role ~4 ms cheaper on both sides (PostgreSQL 16+; the setting stays with this admin session).
  if (me.version >= 160_000) await admin.unsafe('set scram_iterations = 1');
  await admin.unsafe(`create role ${quoteIdent(name)} login noinherit password '${password}'`);
  // A CREATEROLE admin that is not superuser needs membership to drop what the role owns later.
  if (!me.superuser) await admin.unsafe(`grant ${quoteIdent(name)} to current_user`);
  return { name, password };
}

/**
 * Remove a scope: everything its role owns in this database (RESTRICT: if an object of someone
 * else depends on ours, PostgreSQL refuses and we report, instead of cascading into theirs), then
 * the role. Idempotent: a role that is already gone is not an error.
 */
export async function dropScopeRole(sql: Sql, role: string): Promise<{ dropped: boolean }> {
  const [exists] = await sql<{ n: number }[]>`select count(*)::int as n from pg_roles where rolname = ${role}`;
  if (!exists?.n) return { dropped: false };
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe(`drop owned by ${quoteIdent(role)}`);
      await tx.unsafe(`drop role ${quoteIdent(role)}`);
    });
  } catch (error) {
    const pg = error as { code?: string; message?: string; detail?: string };
    if (pg.code === '2BP01') {
      throw new RuntagError(
        'ROLE_OBJECTS_IN_USE',
        `runtag: did not drop the objects of ${role}: objects that are not runtag's depend on them (${(pg.detail ?? pg.message ?? '').replace(/\s+/g, ' ')}). ` +
          'runtag never drops what it did not create; remove those objects, then run `runtag sweep`.',
        { cause: error },
      );
    }
    throw error;
  }
  return { dropped: true };
}

/** Objects the role owns outside `schema`: a replay that put anything elsewhere (older servers let PUBLIC create in public). */
export async function objectsOutside(tx: Sql, schema: string): Promise<string[]> {
  const rows = await tx<{ object: string }[]>`
    select n.nspname || '.' || c.relname as object from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relowner = (select oid from pg_roles where rolname = current_user) and n.nspname <> ${schema}
        and n.nspname not like 'pg\_toast%' and n.nspname not like 'pg\_temp%'
    union all
    select n.nspname || '.' || t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typowner = (select oid from pg_roles where rolname = current_user) and n.nspname <> ${schema} and t.typrelid = 0 and t.typelem = 0
    union all
    select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.proowner = (select oid from pg_roles where rolname = current_user) and n.nspname <> ${schema}
    union all
    select nspname from pg_namespace where nspowner = (select oid from pg_roles where rolname = current_user) and nspname <> ${schema}`;
  return rows.map((r) => r.object);
}
