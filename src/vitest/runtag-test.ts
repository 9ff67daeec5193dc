import { test as base, expect, type RunnerTestCase } from 'vitest';
import { RuntagError } from '../errors/runtag-error.js';
import type { FactorySession } from '../factory/session.js';
import { factoryFixtures, queryConfigOf, type DatabaseOf, type Driver, type RuntagTestOptions } from '../lifecycle/runtag-test-options.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import type { Tagger } from '../run/tag.js';
import { taskScopes } from './task-scopes.js';
import { collectingFile } from './vitest-versions.js';

export interface RuntagFixtures<
  TSchema extends Record<string, unknown>,
  TDriver extends Driver = 'postgres-js',
  TRelations extends Record<string, unknown> = {},
> {
  /** The file's scope: its schema, pool and run configuration; what the toolkit's helpers take. */
  runtag: ScopeRuntime;
  /**
   * Drizzle for this test, typed from your schema (drizzle-orm 1.0: `db.query` from your relations),
   * on the driver you chose: the file's schema (or the shared one); in isolation "transaction", the
   * test's own transaction.
   */
  db: DatabaseOf<TDriver, TSchema, TRelations>;
  /**
   * The test's database as a URL: the file's (its role, its schema first on search_path), what
   * DATABASE_URL holds during the file. In isolation "transaction" it is the sandbox's URL for this
   * test's transaction: hand it to the code under test when tests run concurrently (test.concurrent).
   */
  databaseUrl: string;
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
export function createRuntagTest<
  TSchema extends Record<string, unknown>,
  TFactories extends Record<string, unknown> = {},
  TDriver extends Driver = 'postgres-js',
  TRelations extends Record<string, unknown> = {},
>(options: RuntagTestOptions<TSchema, TFactories, TDriver, TRelations>) {
  const query = queryConfigOf(options);
  const fixtures: Record<string, unknown> = {
    runtag: async ({ task }: TaskContext, use: Use) => use(taskScopes.file(task.file)),
    db: async ({ task }: TaskContext, use: Use) =>
      use(
        options.driver === 'pg' ? await taskScopes.file(task.file).nodePgDbFor(query, taskScopes.test(task).databaseUrl) : taskScopes.test(task).dbFor(query),
      ),
    databaseUrl: async ({ task }: TaskContext, use: Use) => use(taskScopes.test(task).databaseUrl),
    session: async ({ task }: TaskContext, use: Use) => use(taskScopes.test(task).session),
    tag: async ({ task }: TaskContext, use: Use) => use(taskScopes.test(task).session.tag),
  };
  return base.extend<RuntagFixtures<TSchema, TDriver, TRelations> & TFactories>({ ...fixtures, ...factoryFixtures(options.factories) } as never);
}

/**
 * The running test file's database URL, for code at a file's top level (`const db = drizzle(fileDatabaseUrl())`)
 * or an app's `getTestDB()`: the same URL DATABASE_URL holds during the file. Call it while Vitest
 * collects or runs the file (top level, hooks, tests).
 */
export function fileDatabaseUrl(): string {
  // While tests run, Vitest's expect knows the file; while it collects one (the file's top level), its current suite does.
  const path = expect.getState().testPath ?? collectingFile()?.filepath;
  if (!path) throw new RuntagError('NO_SCOPE', 'runtag: fileDatabaseUrl() was called outside a Vitest test file (at its top level, in a hook or a test).');
  return taskScopes.fileAt(path).databaseUrl;
}
