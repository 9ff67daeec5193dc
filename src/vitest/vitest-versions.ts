/**
 * What runtag reads from Vitest where 3.2, 4 and 5 differ (the versions runtag is tested with):
 * - the file being collected, which the setup file opens a scope for: Vitest 4.1 and 5 have
 *   `TestRunner.getCurrentSuite()` in 'vitest' (5 dropped 'vitest/suite'; 4.1 deprecates it);
 *   in 3.2 the current suite has no file yet while setup files run, but the worker's current task
 *   is the file;
 * - a test's full name ("test/users.test.ts > signup > works"), which seeds and reports use:
 *   `task.fullName` from Vitest 4; 3.2 has only the names up the suite chain.
 * Everything else runtag uses exists in all three (hooks, inject, test.extend with file scope,
 * onTestFailed, TestProject in global setup); aroundAll/aroundEach (4.1+) are optional there.
 */
import * as vitest from 'vitest';
import type { RunnerTask, RunnerTestFile } from 'vitest';

type SuiteLike = { file?: RunnerTestFile };

/** The test file Vitest is collecting (while setup files run, and at a test file's top level). */
export function collectingFile(): RunnerTestFile | undefined {
  const runner = (vitest as { TestRunner?: { getCurrentSuite?: () => SuiteLike } }).TestRunner;
  if (runner?.getCurrentSuite) return runner.getCurrentSuite().file;
  // Vitest 3.2: the file task is the worker's current task from the start of its collection.
  const current = (globalThis as { __vitest_worker__?: { current?: Partial<RunnerTestFile> } }).__vitest_worker__?.current;
  return current?.type === 'suite' && typeof current.filepath === 'string' ? (current as RunnerTestFile) : current?.file;
}

/** "test/users.test.ts > signup > works": Vitest's own fullName where it has one (4+), else built the same way. */
export function fullNameOf(task: RunnerTask): string {
  const own = (task as { fullName?: string }).fullName;
  if (own) return own;
  const names = [task.name];
  for (let suite = task.suite; suite; suite = suite.suite) names.unshift(suite.name);
  if (task.file && names[0] !== task.file.name) names.unshift(task.file.name);
  return names.filter((name) => name !== '').join(' > ');
}
