import * as orm from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';

/**
 * The drizzle-orm major installed next to runtag: 1 when it has `defineRelations` (relational
 * queries v2, the only ones 1.0 has), else 0 (0.44, 0.45). Read from what the package exports, not
 * its version string, so a 1.0 release candidate counts as 1.
 */
export const drizzleMajor: 0 | 1 = 'defineRelations' in orm ? 1 : 0;

/** What `db.query` is built from: drizzle 0.x reads tables and relations() from `schema`, 1.0 only `relations` (defineRelations). */
export interface DrizzleQueryConfig {
  schema?: Record<string, unknown> | undefined;
  relations?: Record<string, unknown> | undefined;
}

/** A driver's `drizzle()`, called the one way both majors take: `{ client, ...config }`. */
type DrizzleOf = (config: { client: unknown } & DrizzleQueryConfig) => unknown;

/**
 * Drizzle over a client (postgres.js unless another driver's `drizzle` is given), for either major.
 * Always the `{ client }` form: drizzle 1.0 has no `drizzle(client, config)`, and given a client as
 * its first argument it silently opens a connection of its own to the default database (localhost,
 * from PG* variables) instead. Each major ignores the other's key (0.x `relations`, 1.0 `schema`).
 */
export function drizzleOver<TDb = RuntagDatabase<Record<string, never>>>(
  client: unknown,
  query: DrizzleQueryConfig = {},
  driver: DrizzleOf = drizzle as unknown as DrizzleOf,
): TDb {
  const { schema, relations } = query;
  return driver({ client, ...(schema ? { schema } : {}), ...(relations ? { relations } : {}) }) as TDb;
}

const NO_QUERY = {};

/**
 * Drizzle instances over one client, one per query config asked for (the fixtures ask with the same
 * schema or relations object every time): keyed by what the installed major builds `db.query` from.
 */
export class DrizzleInstances<TDb> {
  private readonly byQuery = new WeakMap<object, TDb>();

  constructor(private readonly make: (query: DrizzleQueryConfig) => TDb) {}

  for(query: DrizzleQueryConfig): TDb {
    const key = (drizzleMajor === 1 ? query.relations : query.schema) ?? NO_QUERY;
    let db = this.byQuery.get(key);
    if (db === undefined) this.byQuery.set(key, (db = this.make(query)));
    return db;
  }
}

/** drizzle()'s config as the installed major types it: 0.x's has `schema`, 1.0's `relations`. */
type DrizzleConfigArg = NonNullable<Parameters<typeof drizzle>[1]>;
type IsDrizzle1 = 'relations' extends keyof DrizzleConfigArg ? true : false;
/** What a Drizzle database's one type parameter must be: 0.x's schema (Record<string, unknown>), 1.0's relations (AnyRelations). */
type QueryTypeArg = NonNullable<
  IsDrizzle1 extends true ? (DrizzleConfigArg extends { relations?: infer R } ? R : never) : DrizzleConfigArg extends { schema?: infer S } ? S : never
>;

/**
 * The type argument of a Drizzle database (PostgresJsDatabase, NodePgDatabase) for the installed
 * drizzle-orm: the schema on 0.x, the relations (defineRelations) on 1.0, where without them
 * `db.query` has no tables. Written against what the installed drizzle-orm declares, so one
 * declaration file fits both majors.
 */
export type QueryTypes<TSchema, TRelations = {}> = Extract<IsDrizzle1 extends true ? TRelations : TSchema, QueryTypeArg>;

/** Drizzle over postgres.js with `db.query` typed for the installed drizzle-orm (see QueryTypes). */
export type RuntagDatabase<TSchema, TRelations = {}> = PostgresJsDatabase<QueryTypes<TSchema, TRelations>>;
