import type { Sql } from '../db/connect.js';
import { REGISTRY_SCHEMA } from '../registry/registry-schema.js';
import type { RunId } from '../run/run-id.js';

/** What a test file's worker needs of the run's schema pool (see SchemaPool), without loading the pool. */
export interface ClaimedSchema {
  name: string;
  searchPath: string[];
  /** The scope's number in the run (its tags carry it). */
  scopeNo: number;
}

/**
 * Take a ready schema of the run's pool for `scope`, or undefined when none is ready (the caller
 * builds one itself: a file never waits for the pool). Concurrent claims never get the same schema.
 */
export async function claimPooledSchema(admin: Sql, runId: RunId, scope: string, label: string): Promise<ClaimedSchema | undefined> {
  const [claimed] = await admin.unsafe<{ schema_name: string; search_path: string[]; scope_no: number }[]>(
    `update ${REGISTRY_SCHEMA}.scopes set scope = $2, label = $3, pool_state = null, opened_at = now()
     where run_id = $1 and scope = (
       select scope from ${REGISTRY_SCHEMA}.scopes
       where run_id = $1 and pool_state = 'ready'
         and not exists (select 1 from ${REGISTRY_SCHEMA}.scopes taken where taken.run_id = $1 and taken.scope = $2)
       order by scope_no limit 1 for update skip locked)
     returning schema_name, search_path, scope_no`,
    [runId, scope, label],
  );
  return claimed && { name: claimed.schema_name, searchPath: claimed.search_path, scopeNo: claimed.scope_no };
}

