import { quoteIdent, type Sql } from '../db/connect.js';
import type { RunId } from '../run/run-id.js';
import { runSchemaPrefix } from '../run/schema-names.js';
import { createScopeRole, type ScopeRole } from '../ownership/scope-role.js';

/** The registry's scope for the role: swept with the run like a file's, never a file itself. */
export const SHARED_ROLE_SCOPE = 'shared-role';

/**
 * In shared isolation, the role every test connection of the run logs in as: it may read and write
 * the shared schema's tables and use its sequences, and nothing else (not the registry, not another
 * schema, no DDL). Triggers, defaults and functions of the app's schema then run with those rights
 * when tests, the app through a file's URL, or runtag's cleanup fire them, never with the rights of
 * the DATABASE_URL user (often a superuser). Made after the shared schema is migrated (so it covers
 * its tables); registered before it exists, so a crash leaves it to the next sweep.
 *
 * A DATABASE_URL user that may not create roles (a managed database's plain user) keeps the tests
 * on its own rights: undefined, and the run says so in its closing line.
 */
export async function createSharedRole(
  admin: Sql,
  runId: RunId,
  schema: string,
  register: (roleName: string) => Promise<unknown>,
): Promise<ScopeRole | undefined> {
  const [me] = await admin<{ may: boolean }[]>`select rolsuper or rolcreaterole as may from pg_roles where rolname = current_user`;
  if (!me?.may) return undefined;
  const name = `${runSchemaPrefix(runId)}shared`;
  await register(name);
  const role = await createScopeRole(admin, name);
  const target = quoteIdent(schema);
  const grantee = quoteIdent(name);
  await admin
    .unsafe(
      [
        `grant usage on schema ${target} to ${grantee}`,
        `grant select, insert, update, delete on all tables in schema ${target} to ${grantee}`,
        `grant usage, select, update on all sequences in schema ${target} to ${grantee}`,
      ].join(';\n'),
    )
    .simple();
  return role;
}
