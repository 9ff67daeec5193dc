import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { seedReplayHint, setCurrentSession } from '../factory/session.js';
import { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import { fileScope } from '../run/tag.js';
import { runtagSnapshotSerializer } from '../toolkit/snapshot-serializer.js';

let runtime: ScopeRuntime<Record<string, unknown>> | undefined;
/** When each running test began (by task id: test.concurrent runs several at once). */
const testStartedAt = new Map<string, number>();
/** Vitest keeps serializers per worker; without isolation a worker runs many files, so add it once. */
let snapshotSerializerAdded = false;

/** The current test file's runtime (schema, db, session); set between beforeAll and afterAll. */
export function currentRuntime(): ScopeRuntime<Record<string, unknown>> {
  if (!runtime) throw new Error('runtag: no test file is running. Call this from inside a test or a hook of a Vitest file.');
  return runtime;
}

/**
 * Call once from your Vitest setup file. Per test file: a schema (or the shared one), a factory
 * session, per-test seeds; after the file: tracked rows deleted, leaks of this file reported, schema dropped.
 */
export function installRuntag<TSchema extends Record<string, unknown>>(options: { schema: TSchema }): void {
  // Snapshots print run tags, uuids and timestamps as numbered placeholders: stable across runs and workers.
  if (!snapshotSerializerAdded) {
    expect.addSnapshotSerializer(runtagSnapshotSerializer);
    snapshotSerializerAdded = true;
  }
  // eslint-disable-next-line no-empty-pattern
  beforeAll(async ({}, suite) => {
    const config = inject('runtag');
    if (!config) {
      throw new Error(
        "runtag: the setup file ran without runtag's globalSetup. Add it to vitest.config: test.globalSetup: ['runtag/vitest/global-setup'].",
      );
    }
    const file = relative(config.root, suite.file.filepath);
    runtime = (await ScopeRuntime.open(config, fileScope(file), file, options.schema)) as ScopeRuntime<Record<string, unknown>>;
    setCurrentSession(runtime.session);
  });

  beforeEach(async ({ task, onTestFailed }) => {
    testStartedAt.set(task.id, performance.now());
    const current = currentRuntime();
    // Isolation "transaction": the test runs in a transaction, rolled back after it (afterEach below).
    const session = current.config.isolation === 'transaction' ? await current.beginTest(task.fullName) : current.session;
    setCurrentSession(session);
    session.reseed(task.fullName);
    onTestFailed(() => console.error(seedReplayHint(task.fullName, inject('runtag').seed)));
  });

  // Registered before any hook of the test file, so it runs after them all: their writes are in the transaction too.
  afterEach(async ({ task }) => {
    const current = currentRuntime();
    // The test and all its hooks (this afterEach runs after the file's own): the run's summary lists those over the budget.
    current.recordTestTime(task.fullTestName ?? task.name, performance.now() - (testStartedAt.get(task.id) ?? performance.now()));
    testStartedAt.delete(task.id);
    if (current.config.isolation !== 'transaction') return;
    setCurrentSession(current.session);
    await current.endTest();
  });

  afterAll(async () => {
    const closing = runtime;
    runtime = undefined;
    setCurrentSession(undefined);
    if (!closing) return;
    const report = await closing.close();
    if (report.error) throw report.error;
  });
}
