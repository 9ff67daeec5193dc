import type { RunnerTestCase, RunnerTestFile } from 'vitest';
import { RuntagError } from '../errors/runtag-error.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import type { TestScope } from '../lifecycle/test-scope.js';

/**
 * Where the setup file's hooks leave each file's scope and each test's scope for the fixtures:
 * keyed by Vitest's own task objects, which every hook and fixture is handed. A fixture finds the
 * scope of the test it is set up for (never "the current one"), so tests running at the same time
 * (`test.concurrent`) and files sharing a worker (`isolate: false`) cannot see each other's.
 */
const files = new WeakMap<RunnerTestFile, ScopeRuntime>();
/** The same scopes by test file path, for code that has no task at hand (a test file's top level). */
const filesByPath = new Map<string, ScopeRuntime>();
const tests = new WeakMap<RunnerTestCase, TestScope>();

export const taskScopes = {
  setFile(file: RunnerTestFile, scope: ScopeRuntime | undefined): void {
    if (scope) {
      files.set(file, scope);
      filesByPath.set(file.filepath, scope);
    } else {
      files.delete(file);
      filesByPath.delete(file.filepath);
    }
  },
  fileAt(path: string): ScopeRuntime {
    const scope = filesByPath.get(path);
    if (!scope) throw notInstalled();
    return scope;
  },
  setTest(test: RunnerTestCase, scope: TestScope | undefined): void {
    if (scope) tests.set(test, scope);
    else tests.delete(test);
  },
  file(file: RunnerTestFile): ScopeRuntime {
    const scope = files.get(file);
    if (!scope) throw notInstalled();
    return scope;
  },
  test(test: RunnerTestCase): TestScope {
    const scope = tests.get(test);
    if (!scope) throw notInstalled();
    return scope;
  },
};

function notInstalled(): RuntagError {
  return new RuntagError(
    'NO_SCOPE',
    "runtag: this file has no runtag scope: runtag's setup file is not in vitest.config, or the fixture was used outside a test. " +
      "Add test.setupFiles: ['runtag/vitest/setup'] (with test.globalSetup: ['runtag/vitest/global-setup']), and use runtag's fixtures inside tests and their hooks.",
  );
}
