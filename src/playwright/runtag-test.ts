import { test as base } from '@playwright/test';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { seedReplayHint, type FactorySession } from '../factory/session.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import { runConfigFromEnv } from './run-config-env.js';
import { WorkerScope } from './worker-scope.js';

export interface RuntagWorkerFixtures<TSchema extends Record<string, unknown>> {
  /** The worker's scope: its schema (or the shared one), its tag `w<workerIndex>`, its pool. */
  runtag: ScopeRuntime<TSchema>;
  /** Drizzle on the worker's pool; hand it to the app under test so both see the same schema. */
  db: PostgresJsDatabase<TSchema>;
  _runtagWorker: WorkerScope<TSchema>;
}

export interface RuntagTestFixtures {
  /** This test's factory session: rows created through it (or tracked in it) are deleted after the test. */
  session: FactorySession;
  _runtagLeakCheck: void;
}

/** Worker setup includes migrating a schema in `schema` isolation; it should not eat the first test's timeout. */
const WORKER_SETUP_TIMEOUT = 60_000;

/**
 * Playwright's `test` with runtag's lifecycle for any Drizzle schema: a scope per worker, a
 * factory session per test, cleanup after each test, and a leak check that fails the test which
 * left rows behind. Extend it with your factories and your app (see runtag/playwright's `test`).
 */
export function createRuntagTest<TSchema extends Record<string, unknown>>(schema: TSchema) {
  return base.extend<RuntagTestFixtures, RuntagWorkerFixtures<TSchema>>({
    _runtagWorker: [
      // eslint-disable-next-line no-empty-pattern
      async ({}, use, workerInfo) => {
        const worker = await WorkerScope.open(runConfigFromEnv(), workerInfo.workerIndex, schema);
        await use(worker);
        const error = await worker.close();
        // Playwright reports a worker teardown error with the tests that worker ran, and fails the run.
        if (error) throw error;
      },
      { scope: 'worker', timeout: WORKER_SETUP_TIMEOUT, box: true },
    ],

    runtag: [async ({ _runtagWorker }, use) => use(_runtagWorker.runtime), { scope: 'worker' }],

    db: [async ({ runtag }, use) => use(runtag.db), { scope: 'worker' }],

    // Automatic: a test that inserts with `db` alone is checked as well as one that uses factories.
    _runtagLeakCheck: [
      async ({ _runtagWorker }, use, testInfo) => {
        const before = await _runtagWorker.rowsOfWorker();
        await use();
        const leaks = await _runtagWorker.leaksOfTest(before, _runtagWorker.testLabel(testInfo));
        if (leaks) throw leaks;
      },
      { auto: true, box: true },
    ],

    // Depends on the leak check so that it is torn down (cleaned up) before the check runs.
    session: async ({ _runtagWorker, _runtagLeakCheck: _ }, use, testInfo) => {
      const session = _runtagWorker.openTestSession(testInfo);
      await use(session);
      if (testInfo.status !== testInfo.expectedStatus) {
        console.error(seedReplayHint(_runtagWorker.testLabel(testInfo), _runtagWorker.config.seed));
      }
      await _runtagWorker.closeTestSession(session);
    },
  });
}
