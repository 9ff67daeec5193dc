import type { FactorySession } from '../factory/session.js';

/** Your factories as fixtures: each is made from the test's session. */
export type FactoryFixtures<TFactories extends Record<string, unknown>> = { [K in keyof TFactories]: (session: FactorySession) => TFactories[K] };

/** What `createRuntagTest` takes, in Vitest and in Playwright alike. */
export interface RuntagTestOptions<TSchema extends Record<string, unknown>, TFactories extends Record<string, unknown>> {
  /** Your Drizzle schema (`import * as schema from './schema'`): types `db` and gives it `db.query`. */
  schema: TSchema;
  /** Factories as fixtures, made from the test's session: `{ users: (session) => new TestUserFactory({ session }) }`. */
  factories?: FactoryFixtures<TFactories>;
}

type Use = (value: unknown) => Promise<void>;

/** The factory fixtures in the shape both runners' `test.extend` take: each made from the test's `session` fixture. */
export function factoryFixtures(factories: FactoryFixtures<Record<string, unknown>> | undefined): Record<string, unknown> {
  const fixtures: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(factories ?? {})) {
    fixtures[name] = async ({ session }: { session: FactorySession }, use: Use) => use(make(session));
  }
  return fixtures;
}
