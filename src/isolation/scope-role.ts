// Contract used by src/registry/sweep.ts and src/lifecycle/run-lifecycle.ts (registry owner):
// keep `dropScopeRole(sql, role)` exported with this meaning; the implementation may grow.
import { quoteIdent, type Sql } from '../db/connect.js';

/**
 * Remove a scope: everything its role owns in this database (RESTRICT: if an object of someone
 * else depends on ours, PostgreSQL refuses and we report, instead of cascading into theirs), then
 * the role. Idempotent: a role that is already gone is not an error.
 */
export async function dropScopeRole(sql: Sql, role: string): Promise<{ dropped: boolean }> {
  const [exists] = await sql<{ n: number }[]>`select count(*)::int as n from pg_roles where rolname = ${role}`;
  if (!exists?.n) return { dropped: false };
  await sql.begin(async (tx) => {
    await tx.unsafe(`drop owned by ${quoteIdent(role)}`);
    await tx.unsafe(`drop role ${quoteIdent(role)}`);
  });
  return { dropped: true };
}
