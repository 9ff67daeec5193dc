import { quoteIdent, type Sql } from '../db/connect.js';
import { readCatalog } from '../ownership/catalog.js';
import { createRunKey } from '../run/run-key.js';
import { likePrefix } from '../run/tag.js';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * A run key no row in the shared schema starts with yet: from then on, only this run writes values
 * with that prefix, so "carries the run's tag" proves a row is the run's. (The registry's unique
 * constraint keeps it apart from every other registered run's key.)
 */
export async function freshRunKey(sql: Sql, sharedSchema: string | undefined): Promise<string> {
  const tables = sharedSchema ? await readCatalog(sql, sharedSchema) : [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const runKey = createRunKey();
    let taken = false;
    for (const table of tables) {
      for (const column of table.tagColumns) {
        const rows = await sql.unsafe(`select 1 from ${quoteIdent(sharedSchema!)}.${quoteIdent(table.name)} where ${quoteIdent(column)} like $1 limit 1`, [
          likePrefix(`${runKey}-`),
        ]);
        if (rows.length > 0) taken = true;
      }
    }
    if (!taken) return runKey;
  }
  throw new RuntagError(
    'NO_FRESH_RUN_KEY',
    `runtag: could not find a run key that no value in schema "${sharedSchema}" starts with after 10 tries; is the schema full of runtag-looking values?`,
  );
}
