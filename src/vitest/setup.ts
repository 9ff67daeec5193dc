/**
 * runtag/vitest/setup: add it to `test.setupFiles` (with runtag's globalSetup). For every test file,
 * whether or not it uses runtag's `test`: a scope (its own schema, or the shared one) opened before
 * its first test and closed after its last (rows deleted, the file's leaks reported, its schema
 * dropped); for every test, its own factory session and, in isolation "transaction", its own
 * transaction, rolled back when it ends. Factories used with no session during a test (or a hook
 * of the file) use the test's (or the file's) session.
 */
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vitest from 'vitest';
import type { RunnerTestCase, RunnerTestFile, TestContext } from 'vitest';
import { enterSession, runWithSession } from '../factory/ambient-session.js';
import { seedReplayHint } from '../factory/value-stream.js';
import type { RunConfig } from '../lifecycle/run-config.js';
import { exposeDatabaseUrl } from '../options/app-database-url.js';
import { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import type { TestScope } from '../lifecycle/test-scope.js';
import { fileScope } from '../run/tag.js';
import { runtagSnapshotSerializer } from '../toolkit/snapshot-serializer.js';
import { taskScopes } from './task-scopes.js';
import { collectingFile, fullNameOf } from './vitest-versions.js';
import { RuntagError } from '../errors/runtag-error.js';

const { afterAll, afterEach, beforeAll, beforeEach, expect, inject } = vitest;

/** Vitest keeps serializers per worker; without isolation a worker runs many files and this module again for each. */
const SERIALIZER_ADDED = Symbol.for('runtag.snapshotSerializerAdded');
const added = globalThis as { [SERIALIZER_ADDED]?: boolean };
if (!added[SERIALIZER_ADDED]) {
  // Snapshots print run tags, uuids and timestamps as numbered placeholders: stable across runs and workers.
  expect.addSnapshotSerializer(runtagSnapshotSerializer);
  added[SERIALIZER_ADDED] = true;
}

/**
 * A forks-pool worker whose main process died (SIGKILL) is never told: Vitest's worker exits only
 * when it next reports, so a test that waits (a hung request, an open transaction in the sandbox)
 * keeps its server connections, and its run counts as alive to every sweep, for ever. Its IPC
 * channel closing is the sign: nobody will read what it reports now, and what it leaves is swept.
 */
const ORPHAN_WATCH = Symbol.for('runtag.orphanWatch');
const watched = globalThis as { [ORPHAN_WATCH]?: boolean };
if (process.send && !watched[ORPHAN_WATCH]) {
  watched[ORPHAN_WATCH] = true;
  // SIGKILL of itself, not process.exit(): exit handlers and a last write to the dead parent's pipe must not keep it alive
  // (an orphan once outlived its parent by more than 70 s on a loaded machine).
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}

function runConfig(): RunConfig {
  const config = inject('runtag');
  if (!config) {
    throw new RuntagError(
      'NO_GLOBAL_SETUP',
      "runtag: the setup file ran without runtag's globalSetup. Add it to vitest.config: test.globalSetup: ['runtag/vitest/global-setup'].",
    );
  }
  return config;
}

async function openFile(file: RunnerTestFile): Promise<ScopeRuntime> {
  const config = runConfig();
  const label = relative(config.root, file.filepath);
  const scope = await ScopeRuntime.open(config, fileScope(label), label);
  taskScopes.setFile(file, scope);
  // The app's own `db` module reads these when the test file imports it, right after this setup file.
  exposeDatabaseUrl(config.databaseUrlEnv, scope.databaseUrl);
  return scope;
}

async function closeFile(file: RunnerTestFile, scope: ScopeRuntime): Promise<void> {
  taskScopes.setFile(file, undefined);
  const report = await scope.close();
  if (report.error) throw report.error;
}

async function beginTest(context: Pick<TestContext, 'task' | 'onTestFailed'>): Promise<TestScope> {
  const task = context.task as RunnerTestCase;
  const name = fullNameOf(task);
  const test = await taskScopes.file(task.file).beginTest(name);
  taskScopes.setTest(task, test);
  context.onTestFailed(() => console.error(seedReplayHint(name, inject('runtag').seed)));
  return test;
}

async function endTest(context: Pick<TestContext, 'task'>, test: TestScope, startedAt: number): Promise<void> {
  const task = context.task as RunnerTestCase;
  taskScopes.setTest(task, undefined);
  const scope = taskScopes.file(task.file);
  try {
    await test.end();
  } finally {
    // The test and all its hooks: the run's summary lists those over the budget.
    scope.recordTestTime(task.fullTestName ?? task.name, performance.now() - startedAt);
  }
}

/**
 * The file's scope opens now, while Vitest sets the file up and before it imports the test file, so
 * that DATABASE_URL holds the file's own URL when the app's modules read it. Vitest runs setup files
 * again for each test file (also with isolate: false) and names the file being collected here.
 */
const collecting = collectingFile();
if (!collecting)
  throw new RuntagError('SETUP_FILE_MISUSED', "runtag: runtag/vitest/setup must be one of vitest.config's test.setupFiles (it was imported some other way).");
// A file all of whose tests are skipped or filtered out never runs its hooks: the run's end releases its scope (see outcomeOf).
await openFile(collecting);

if (vitest.aroundAll !== undefined && vitest.aroundEach !== undefined) {
  // Vitest >= 4.1: the file and each test run inside their scope's async context, so concurrent
  // tests each see their own session wherever their code goes.
  // eslint-disable-next-line no-empty-pattern
  vitest.aroundAll(async (runSuite, {}, suite) => {
    const scope = taskScopes.file(suite.file);
    try {
      await runWithSession(scope.session, runSuite);
    } finally {
      await closeFile(suite.file, scope);
    }
  });
  vitest.aroundEach(async (runTest, { task, onTestFailed }) => {
    const startedAt = performance.now();
    const test = await beginTest({ task, onTestFailed });
    try {
      await runWithSession(test.session, runTest);
    } finally {
      await endTest({ task }, test, startedAt);
    }
  });
} else {
  // Older Vitest has no hook that wraps a test: the session is entered from the hooks instead, which
  // holds for tests run one at a time (test.concurrent needs Vitest 4.1).
  const started = new WeakMap<object, { test: TestScope; startedAt: number }>();
  beforeAll((...args: unknown[]) => {
    enterSession({ session: taskScopes.file(fileOfHookArgs(args)).session });
  });
  // Destructured: Vitest 3.2 reads a hook's first parameter for the fixtures it asks for, and refuses one that is not a pattern.
  beforeEach(async ({ task, onTestFailed }) => {
    const startedAt = performance.now();
    const test = await beginTest({ task, onTestFailed });
    started.set(task, { test, startedAt });
    enterSession({ session: test.session });
  });
  afterEach(async ({ task }) => {
    const entry = started.get(task);
    if (!entry) return;
    started.delete(task);
    enterSession({ session: taskScopes.file((task as RunnerTestCase).file).session });
    await endTest({ task }, entry.test, entry.startedAt);
  });
  afterAll(async (...args: unknown[]) => {
    const file = fileOfHookArgs(args);
    await closeFile(file, taskScopes.file(file));
  });
}

/** beforeAll/afterAll get the suite (Vitest 3) or a context and the suite (Vitest 4). */
function fileOfHookArgs(args: unknown[]): RunnerTestFile {
  const suite = (args.find((arg) => typeof arg === 'object' && arg !== null && 'file' in arg) ?? args[0]) as { file: RunnerTestFile };
  return suite.file;
}
