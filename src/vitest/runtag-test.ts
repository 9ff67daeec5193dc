import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { test as base, type RunnerTestCase } from 'vitest';
import type { FactorySession } from '../factory/session.js';
import { factoryFixtures, type RuntagTestOptions } from '../lifecycle/runtag-test-options.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import type { Tagger } from '../run/tag.js';
import { taskScopes } from './task-scopes.js';

export interface RuntagFixtures<TSchema extends Record<string, unknown>> {
  /** The file's scope: its schema, pool and run configuration; what the toolkit's helpers take. */
  runtag: ScopeRuntime;
  /** Drizzle for this test, typed from your schema: the file's schema (or the shared one); in isolation "transaction", the test's own transaction. */
  db: PostgresJsDatabase<TSchema>;
  /** This test's factory session: rows created through it are deleted after the file (rolled back after the test in isolation "transaction"). */
  session: FactorySession;
  /** Tagged values for this file: tag.email('alice'), tag.value('slug', 40), tag.next(). */
  tag: Tagger;
}

type Use = (value: unknown) => Promise<void>;
type TaskContext = { task: RunnerTestCase };

/**
 * Vitest's `test` with runtag's fixtures for your schema and your factories:
 *
 *   export const test = createRuntagTest({ schema, factories: { posts: (session) => postFactory.withSession(session) } });
 *   test('…', async ({ db, posts }) => { … db.query.organizations … });
 *
 * Needs runtag's globalSetup and setup file in vitest.config (they open the file's scope and each
 * test's); every fixture is the running test's own, also under `test.concurrent`.
 */
export function createRuntagTest<TSchema extends Record<string, unknown>, TFactories extends Record<string, unknown> = {}>(
  options: RuntagTestOptions<TSchema, TFactories>,
) {
  const fixtures: Record<string, unknown> = {
    runtag: async ({ task }: TaskContext, use: Use) => use(taskScopes.file(task.file)),
    db: async ({ task }: TaskContext, use: Use) => use(taskScopes.test(task).dbFor(options.schema)),
    session: async ({ task }: TaskContext, use: Use) => use(taskScopes.test(task).session),
    tag: async ({ task }: TaskContext, use: Use) => use(taskScopes.test(task).session.tag),
  };
  return base.extend<RuntagFixtures<TSchema> & TFactories>({ ...fixtures, ...factoryFixtures(options.factories) } as never);
}
