import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { test as base } from 'vitest';
import type { FactorySession } from '../factory/session.js';
import type { Tagger } from '../run/tag.js';
import { currentRuntime } from './setup.js';

export interface RuntagFixtures<TSchema extends Record<string, unknown>> {
  /** Drizzle bound to this file's schema (or the shared one; in isolation "transaction", the test's transaction), typed from your schema. */
  db: PostgresJsDatabase<TSchema>;
  /** Tagged values for this file: tag.email('alice'), tag.value('slug', 40), tag.next(). */
  tag: Tagger;
  /** The factory session: rows created through it are deleted after the file (rolled back after the test in isolation "transaction"). */
  session: FactorySession;
}

/** Your factories as fixtures: each is made from the file's session. */
export type FactoryFixtures<TFactories extends Record<string, unknown>> = { [K in keyof TFactories]: (session: FactorySession) => TFactories[K] };

/**
 * Vitest's `test` with runtag's fixtures for your schema and your factories:
 *
 *   export const test = createRuntagTest(schema, { posts: (session) => postFactory.withSession(session) });
 *   test('…', async ({ db, posts }) => { … db.query.organizations … });
 *
 * Pair it with `installRuntag({ schema })` in a setup file and runtag's globalSetup.
 */
export function createRuntagTest<TSchema extends Record<string, unknown>, TFactories extends Record<string, unknown> = {}>(
  _schema: TSchema,
  factories: FactoryFixtures<TFactories> = {} as FactoryFixtures<TFactories>,
) {
  const fixtures: Record<string, unknown> = {
    // eslint-disable-next-line no-empty-pattern
    db: async ({}, use: (value: unknown) => Promise<void>) => use(currentRuntime().db),
    // eslint-disable-next-line no-empty-pattern
    tag: async ({}, use: (value: unknown) => Promise<void>) => use(currentRuntime().session.tag),
    // eslint-disable-next-line no-empty-pattern
    session: async ({}, use: (value: unknown) => Promise<void>) => use(currentRuntime().currentSession),
  };
  for (const [name, make] of Object.entries(factories) as [string, (session: FactorySession) => unknown][]) {
    fixtures[name] = async ({ session }: { session: FactorySession }, use: (value: unknown) => Promise<void>) => use(make(session));
  }
  return base.extend<RuntagFixtures<TSchema> & TFactories>(fixtures as never);
}
