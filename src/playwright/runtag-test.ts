import { test as base } from '@playwright/test';
import { holdForWorkerProcess } from '../factory/ambient-session.js';
import type { FactorySession } from '../factory/session.js';
import { seedReplayHint } from '../factory/value-stream.js';
import { factoryFixtures, queryConfigOf, type DatabaseOf, type Driver, type RuntagTestOptions } from '../lifecycle/runtag-test-options.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import { runConfigFromEnv } from './worker-handoff.js';
import type { Tagger } from '../run/tag.js';
import { WorkerScope } from './worker-scope.js';
import type { AppServerInfo } from './app-server.js';
import type { AppServerOptions } from './app-server-options.js';
import { appServerFixtureTimeout, appServerOutputAroundTest, noAppServer, workerAppServer } from './app-server-fixtures.js';

export interface RuntagWorkerFixtures<
  TSchema extends Record<string, unknown>,
  TDriver extends Driver = 'postgres-js',
  TRelations extends Record<string, unknown> = {},
> {
  /** The worker's scope: its schema (or the shared one), its tag, its pool; what the toolkit's helpers take. */
  runtag: ScopeRuntime;
  /**
   * Drizzle on the worker's pool, typed from your schema (drizzle-orm 1.0: `db.query` from your
   * relations), on the driver you chose; hand it to an in-process app so both see the same schema.
   */
  db: DatabaseOf<TDriver, TSchema, TRelations>;
  /** The worker's database as a URL (its role and schema, or the shared one): the DATABASE_URL of an app server started for the worker. */
  databaseUrl: string;
  /** The app server the worker's tests reach through baseURL: the worker's own (the appServer option), or the run's one. */
  appServer: AppServerInfo;
  _runtagWorker: WorkerScope;
  _runtagAppServer: AppServerInfo | undefined;
}

export interface RuntagTestFixtures {
  /** This test's factory session: rows created through it (or tracked in it) are deleted after the test. */
  session: FactorySession;
  /** Tagged values for this test: tag.email('alice'), tag.value('slug', 40), tag.next(). */
  tag: Tagger;
  _runtagLeakCheck: void;
  _runtagAppServerOutput: void;
}

/** createRuntagTest's options in Playwright: those of Vitest's, and the app under test as its own process. */
export interface PlaywrightRuntagTestOptions<
  TSchema extends Record<string, unknown>,
  TFactories extends Record<string, unknown>,
  TDriver extends Driver = 'postgres-js',
  TRelations extends Record<string, unknown> = {},
> extends RuntagTestOptions<TSchema, TFactories, TDriver, TRelations> {
  /**
   * Start the app as its own process, one copy per worker, on the worker's database (DATABASE_URL:
   * its schema and role in isolation "schema", the shared schema in "shared") and a free port;
   * `baseURL` points at it; its output is attached to a failing test; it stops with the worker
   * (SIGKILL of the run included: nothing it started is left). See docs/playwright.md.
   */
  appServer?: AppServerOptions;
}

/** Worker setup includes migrating a schema in `schema` isolation; it should not eat the first test's timeout. */
const WORKER_SETUP_TIMEOUT = 60_000;

/**
 * Playwright's `test` with runtag's lifecycle for any Drizzle schema: a scope per worker, a
 * factory session per test, cleanup after each test, and a leak check that fails the test which
 * left rows behind. The same shape as runtag/vitest's `createRuntagTest`; `db` is the worker's
 * (the app under test runs once per worker on it).
 */
export function createRuntagTest<
  TSchema extends Record<string, unknown>,
  TFactories extends Record<string, unknown> = {},
  TDriver extends Driver = 'postgres-js',
  TRelations extends Record<string, unknown> = {},
>(options: PlaywrightRuntagTestOptions<TSchema, TFactories, TDriver, TRelations>) {
  const query = queryConfigOf(options);
  const test = base.extend<RuntagTestFixtures, RuntagWorkerFixtures<TSchema, TDriver, TRelations>>({
    _runtagWorker: [
      // eslint-disable-next-line no-empty-pattern
      async ({}, use, workerInfo) => {
        const worker = await WorkerScope.open(runConfigFromEnv(), workerInfo.workerIndex);
        // Factories used with no session (new TestUserFactory()) ask the worker, which answers with the running test's.
        holdForWorkerProcess(worker);
        try {
          await use(worker);
        } finally {
          holdForWorkerProcess(undefined);
        }
        const error = await worker.close();
        // Playwright reports a worker teardown error with the tests that worker ran, and fails the run.
        if (error) throw error;
      },
      { scope: 'worker', timeout: WORKER_SETUP_TIMEOUT, box: true },
    ],

    runtag: [async ({ _runtagWorker }, use) => use(_runtagWorker.runtime), { scope: 'worker' }],

    db: [
      async ({ runtag }, use) =>
        // In isolation "transaction" both join the running test's transaction through the worker's sandbox.
        use((options.driver === 'pg' ? await runtag.nodePgDbFor(query) : runtag.scopeDbFor(query)) as DatabaseOf<TDriver, TSchema, TRelations>),
      { scope: 'worker' },
    ],

    databaseUrl: [async ({ runtag }, use) => use(runtag.databaseUrl), { scope: 'worker' }],

    _runtagAppServer: [
      async ({ _runtagWorker }, use, workerInfo) => workerAppServer(options.appServer, _runtagWorker, workerInfo.workerIndex, workerInfo.config, use),
      { scope: 'worker', timeout: appServerFixtureTimeout(options.appServer), box: true },
    ],

    appServer: [
      async ({ _runtagAppServer }, use) => {
        if (!_runtagAppServer) throw noAppServer();
        await use(_runtagAppServer);
      },
      { scope: 'worker' },
    ],

    // The app server's address when runtag runs one; else whatever the config says.
    baseURL: async ({ baseURL, _runtagAppServer }, use) => use(_runtagAppServer?.baseURL ?? baseURL),

    // Automatic: a failing test shows what the app printed while it ran.
    _runtagAppServerOutput: [
      async ({ _runtagAppServer, _runtagWorker }, use, testInfo) =>
        appServerOutputAroundTest(_runtagAppServer, testInfo, _runtagWorker.testLabel(testInfo), use),
      { auto: true, box: true },
    ],

    // Automatic: a test that inserts with `db` alone is checked as well as one that uses factories.
    // In isolation "transaction" the rollback leaves nothing of the test, and what was committed around
    // the sandbox fails the test at its end (COMMITTED_OUTSIDE_TRANSACTION): no scan of the worker's rows.
    _runtagLeakCheck: [
      async ({ _runtagWorker }, use, testInfo) => {
        if (_runtagWorker.runtime.sandbox) return use();
        const before = await _runtagWorker.rowsOfWorker();
        await use();
        const leaks = await _runtagWorker.leaksOfTest(before, _runtagWorker.testLabel(testInfo));
        if (leaks) throw leaks;
      },
      { auto: true, box: true },
    ],

    // Automatic, and torn down (cleaned up) before the leak check it depends on runs.
    session: [
      async ({ _runtagWorker, _runtagLeakCheck: _ }, use, testInfo) => {
        const test = await _runtagWorker.beginTest(testInfo);
        await use(test.session);
        if (testInfo.status !== testInfo.expectedStatus) {
          console.error(seedReplayHint(_runtagWorker.testLabel(testInfo), _runtagWorker.config.seed));
        }
        await _runtagWorker.endTest(test);
      },
      { auto: true },
    ],

    tag: async ({ session }, use) => use(session.tag),
  });
  return test.extend<TFactories>(factoryFixtures(options.factories) as never);
}
