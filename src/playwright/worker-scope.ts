import { relative } from 'node:path';
import type { TestInfo } from '@playwright/test';
import type { SessionHolder } from '../factory/ambient-session.js';
import type { FactorySession } from '../factory/session.js';
import { deriveSeed } from '../factory/value-stream.js';
import type { RunConfig } from '../lifecycle/run-config.js';
import { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import type { TestScope } from '../lifecycle/test-scope.js';
import { LeakError } from '../leaks/report.js';
import { LeakVerifier, type RowLeak } from '../leaks/verifier.js';

/**
 * What runtag keeps per Playwright worker: one scope (named `w<workerIndex>`, tagged by a number the registry assigns, on a schema or the shared
 * one) for all the tests the worker runs, a fresh factory session per test, and leak checks that
 * name the test responsible, although every row of the worker carries the same scope tag.
 */
export class WorkerScope implements SessionHolder {
  /** The running test (tests run one at a time in a worker). */
  private running: TestScope | undefined;

  /** Leaked rows per table already reported against a test, so worker teardown does not report them twice. */
  private readonly reported = new Map<string, number>();

  private constructor(readonly runtime: ScopeRuntime) {}

  /** workerIndex is unique within a run, restarts and retries included, so tags never repeat. */
  static async open(config: RunConfig, workerIndex: number): Promise<WorkerScope> {
    const runtime = await ScopeRuntime.open(config, `w${workerIndex}`, `playwright worker ${workerIndex}`);
    return new WorkerScope(runtime);
  }

  /** The ambient session of the worker: the running test's, else the worker scope's own (worker fixtures). */
  get session(): FactorySession {
    return this.running?.session ?? this.runtime.session;
  }

  get config(): RunConfig {
    return this.runtime.config;
  }

  /** "test/e2e/booking.spec.ts › books a lesson": how reports name a test. */
  testLabel(testInfo: TestInfo): string {
    return [relative(this.config.root, testInfo.file), ...testInfo.titlePath.slice(1)].join(' › ');
  }

  /**
   * Begin one test: a session that continues the worker's tag sequence (values stay unique in the
   * worker) but tracks only this test's rows. Its seed depends on the file and test title alone,
   * so RUNTAG_SEED replays a test's data whichever worker runs it.
   */
  async beginTest(testInfo: TestInfo): Promise<TestScope> {
    const file = relative(this.config.root, testInfo.file);
    this.running = await this.runtime.beginTest(file, testInfo.titlePath.slice(1).join(' › '), deriveSeed(this.config.seed, file));
    return this.running;
  }

  /** End the test and delete the rows its session created; throws CleanupError when some cannot be deleted. */
  async endTest(test: TestScope): Promise<void> {
    if (this.running === test) this.running = undefined;
    await test.end();
    await test.session.cleanup();
  }

  /** Rows that carry this worker's tag (or hang off such rows), per table. */
  rowsOfWorker(): Promise<RowLeak[]> {
    // The pool's own connections: fully qualified queries, no extra connection per worker.
    return new LeakVerifier(this.runtime.testSchema.sql, this.config.runKey).findRows(this.runtime.testSchema.name, this.runtime.session.tag.scope);
  }

  /**
   * Compare the worker's rows after a test (and its cleanup) with those before it: tests run one
   * at a time in a worker, so whatever grew was left by this test.
   */
  async leaksOfTest(before: RowLeak[], testLabel: string): Promise<LeakError | undefined> {
    const after = await this.rowsOfWorker();
    const leaks = after.flatMap((row) => {
      const added = row.count - (before.find((b) => b.table === row.table)?.count ?? 0);
      return added > 0 ? [{ ...row, count: added }] : [];
    });
    if (leaks.length === 0) return undefined;
    for (const leak of leaks) this.reported.set(leak.table, (this.reported.get(leak.table) ?? 0) + leak.count);
    return new LeakError({ runId: this.config.runId, rows: leaks, schemas: [] }, new Map([[this.runtime.session.tag.scope, testLabel]]));
  }

  /**
   * Close the scope: clean up, check the worker's rows, drop its schema. Returns an error only for
   * problems no test has been failed for yet.
   */
  async close(): Promise<Error | undefined> {
    const { error, leaks } = await this.runtime.close();
    if (!error) return undefined;
    const unreported = leaks.filter((leak) => leak.count > (this.reported.get(leak.table) ?? 0));
    if (error instanceof LeakError && unreported.length === 0) return undefined;
    return error;
  }
}
