import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { DrizzleQueryConfig, QueryTypes } from '../db/drizzle-db.js';
import type { FactorySession } from '../factory/session.js';

/** The Postgres driver of the `db` fixture: postgres.js (runtag's own) or node-postgres (`pg`), whichever your code is typed for. */
export type Driver = 'postgres-js' | 'pg';

/**
 * The `db` fixture's type for a driver: what your code takes, `PostgresJsDatabase<typeof schema>` or
 * `NodePgDatabase<typeof schema>` (drizzle-orm 1.0: `<typeof relations>`; see QueryTypes).
 */
export type DatabaseOf<TDriver extends Driver, TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}> = TDriver extends 'pg'
  ? NodePgDatabase<QueryTypes<TSchema, TRelations>>
  : PostgresJsDatabase<QueryTypes<TSchema, TRelations>>;

/** Your factories as fixtures: each is made from the test's session. */
export type FactoryFixtures<TFactories extends Record<string, unknown>> = { [K in keyof TFactories]: (session: FactorySession) => TFactories[K] };

/** What `createRuntagTest` takes, in Vitest and in Playwright alike. */
export interface RuntagTestOptions<
  TSchema extends Record<string, unknown>,
  TFactories extends Record<string, unknown>,
  TDriver extends Driver = 'postgres-js',
  TRelations extends Record<string, unknown> = {},
> {
  /** Your Drizzle schema (`import * as schema from './schema'`): types `db` and, on drizzle-orm 0.x, gives it `db.query`. */
  schema: TSchema;
  /**
   * drizzle-orm 1.0: your `defineRelations(schema, …)`, which 1.0 builds `db.query` from (its
   * relational queries no longer read the schema); `db.query` is typed from it. On 0.x, where
   * relations() live in the schema, it is not needed (and ignored).
   */
  relations?: TRelations;
  /** Factories as fixtures, made from the test's session: `{ users: (session) => new TestUserFactory({ session }) }`. */
  factories?: FactoryFixtures<TFactories>;
  /**
   * The driver of the `db` fixture (default 'postgres-js'). 'pg' gives a `NodePgDatabase` on the
   * scope's own URL (its role and schema), for code typed for node-postgres; it needs the `pg`
   * package, and isolation "schema" or "shared". Factories and runtag's checks work with either.
   */
  driver?: TDriver;
}

type Use = (value: unknown) => Promise<void>;

/** What the `db` fixture is built from: the schema (0.x) and the relations (1.0); each major reads its own. */
export function queryConfigOf(options: { schema: Record<string, unknown>; relations?: Record<string, unknown> }): DrizzleQueryConfig {
  return { schema: options.schema, relations: options.relations };
}

/** The factory fixtures in the shape both runners' `test.extend` take: each made from the test's `session` fixture. */
export function factoryFixtures(factories: FactoryFixtures<Record<string, unknown>> | undefined): Record<string, unknown> {
  const fixtures: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(factories ?? {})) {
    fixtures[name] = async ({ session }: { session: FactorySession }, use: Use) => use(make(session));
  }
  return fixtures;
}
