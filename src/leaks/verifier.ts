import { quoteIdent, type Sql } from '../db/connect.js';
import { runSchemaPrefix } from '../isolation/schema-names.js';
import type { RunId } from '../run/run-id.js';
import { likePrefix } from '../run/tag.js';
import { referencingFirst } from '../util/delete-order.js';
import { readCatalog, type CatalogTable } from './catalog.js';
import { ownershipPredicates } from './ownership.js';

export interface RowLeak {
  schema: string;
  table: string;
  count: number;
  /** Primary keys of up to five of the rows. */
  sampleKeys: Record<string, unknown>[];
  /** Scopes (files/workers) whose tag the rows carry; empty for rows found only through a foreign key. */
  scopes: string[];
}

const SAMPLE_SIZE = 5;

/**
 * Finds what a run (or one scope of it) left behind. Everything is matched by the run's tag
 * prefix, so rows and schemas of other runs, live or not, are never reported or touched.
 */
export class LeakVerifier {
  constructor(
    private readonly sql: Sql,
    readonly runId: RunId,
  ) {}

  /** `<run>-` for the whole run, `<run>-<scope>-` for one file or worker. */
  prefix(scope?: string): string {
    return scope ? `${this.runId}-${scope}-` : `${this.runId}-`;
  }

  async findRows(schema: string, scope?: string): Promise<RowLeak[]> {
    const prefix = this.prefix(scope);
    const tables = await readCatalog(this.sql, schema);
    const predicates = ownershipPredicates(schema, tables, likePrefix(prefix));
    const leaks: RowLeak[] = [];
    for (const table of tables) {
      const predicate = predicates.get(table.name);
      if (!predicate) continue;
      const from = `${quoteIdent(schema)}.${quoteIdent(table.name)}`;
      const [{ count }] = (await this.sql.unsafe(`select count(*)::int as count from ${from} where ${predicate}`)) as unknown as [{ count: number }];
      if (count === 0) continue;
      const keyColumns = table.primaryKey.length > 0 ? table.primaryKey : table.tagColumns;
      const sample = await this.sql.unsafe(
        `select ${keyColumns.map(quoteIdent).join(', ') || '*'} from ${from} where ${predicate} limit ${SAMPLE_SIZE}`,
      );
      leaks.push({ schema, table: table.name, count, sampleKeys: [...sample], scopes: await this.scopesOf(from, table, prefix, predicate) });
    }
    return leaks;
  }

  /** This run's schemas that still exist. */
  async findSchemas(): Promise<string[]> {
    const rows = await this.sql<{ name: string }[]>`
      select nspname as name from pg_namespace where nspname like ${likePrefix(runSchemaPrefix(this.runId))} order by 1`;
    return rows.map((r) => r.name);
  }

  /** Delete this run's (or scope's) tagged rows from `schema`, referencing tables first. */
  async deleteRows(schema: string, scope?: string): Promise<number> {
    const tables = await readCatalog(this.sql, schema);
    const predicates = ownershipPredicates(schema, tables, likePrefix(this.prefix(scope)));
    const byName = new Map(tables.map((t) => [t.name, t]));
    let deleted = 0;
    await this.sql.begin(async (tx) => {
      for (const table of referencingFirst(tables, (t) => t.foreignKeys.map((fk) => byName.get(fk.references)!).filter(Boolean))) {
        const predicate = predicates.get(table.name);
        if (!predicate) continue;
        const result = await tx.unsafe(`delete from ${quoteIdent(schema)}.${quoteIdent(table.name)} where ${predicate}`);
        deleted += result.count;
      }
    });
    return deleted;
  }

  /** Drop this run's schemas that still exist; never any other. */
  async dropSchemas(names: string[]): Promise<void> {
    const own = runSchemaPrefix(this.runId);
    for (const name of names) {
      if (!name.startsWith(own)) throw new Error(`runtag: refusing to drop schema "${name}": it is not this run's.`);
      await this.sql.unsafe(`drop schema if exists ${quoteIdent(name)} cascade`);
    }
  }

  private async scopesOf(from: string, table: CatalogTable, prefix: string, predicate: string): Promise<string[]> {
    if (table.tagColumns.length === 0) return [];
    const runPrefixLength = `${this.runId}-`.length;
    const column = quoteIdent(table.tagColumns[0]!);
    const rows = await this.sql.unsafe(
      `select distinct split_part(substr(${column}, ${runPrefixLength + 1}), '-', 1) as scope from ${from} where ${predicate} and ${column} like '${likePrefix(prefix).replaceAll("'", "''")}'`,
    );
    return rows.map((r) => String(r.scope));
  }
}
