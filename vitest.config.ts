import { resolve } from 'node:path';
import { configDefaults, defineConfig, type ViteUserConfig } from 'vitest/config';
import { runtagVitestDefaults } from './src/vitest/ci-defaults.js';
import docsTransactionExamples from './docs/examples/transaction/vitest.config.js';
import docsExamples from './docs/examples/vitest.config.js';
import { packageAliases, packageEntries } from './test/support/package-entries.js';

const runtag = {
  globalSetup: ['./src/vitest/global-setup.ts'],
  setupFiles: ['./test/setup.ts'],
};

/**
 * examples/notes-app's services (an app with its own module-level db, imported by the tests, no
 * injection): 10 files on 2 workers, on node-postgres and on postgres.js, per-file schemas and one
 * shared schema (its own, so a DATABASE_URL shared with the shared project's booking tables works).
 */
function notesApp(driver: 'pg' | 'postgres-js', isolation: 'schema' | 'shared' | 'transaction') {
  return {
    resolve: { alias: packageAliases() },
    test: {
      name: `notes-${driver}-${isolation}`,
      root: 'examples/notes-app',
      include: ['test/**/*.test.ts'],
      // Absolute: the project's root is the app's.
      globalSetup: fromSource('runtag/vitest/global-setup').map((file) => resolve(file)),
      setupFiles: fromSource('runtag/vitest/setup').map((file) => resolve(file)),
      env: { NOTES_DB_DRIVER: driver },
      provide: { runtagOptions: { isolation, ...(isolation === 'shared' ? { sharedSchema: 'notes_app' } : {}) } },
    },
  };
}

export default defineConfig({
  test: {
    // On CI: JUnit and JSON reports in test-results/, longer timeouts; locally the default reporter.
    ...runtagVitestDefaults(),
    pool: 'forks',
    // Exactly two everywhere: the parallel-safety tests need two workers, and more overload a two-core CI machine.
    maxWorkers: 2,
    projects: [
      // Fault injection: real processes killed, connections terminated, servers restarted.
      { test: { name: 'faults', include: ['test/faults/**/*.test.ts'], testTimeout: 150_000, hookTimeout: 120_000 } },
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The packed tarball installed into a project outside the repo (examples/blog), run there.
      { test: { name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000 } },
      // The app under test as its own process: runtag's app server, and the examples run end to end in child Playwright runs.
      { test: { name: 'apps', include: ['test/apps/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 60_000 } },
      // Per-file schemas: the default for integration tests.
      { test: { name: 'schema', include: ['test/integration/**/*.test.ts'], ...runtag } },
      // The sandbox (a wire-protocol proxy joining every client to the running test's transaction) with real clients, per-file schemas.
      { test: { name: 'sandbox', include: ['test/sandbox/**/*.test.ts'], ...runtag } },
      // One shared schema, kept apart only by tags: the parallel suites prove no collision.
      {
        test: {
          name: 'shared',
          include: ['test/shared/**/*.test.ts'],
          ...runtag,
          provide: { runtagOptions: { isolation: 'shared' } },
        },
      },
      // The docs' examples, each folder run with the vitest.config.ts the docs show for it.
      docsProject('docs', docsExamples, ['docs/examples/**/*.test.ts'], ['docs/examples/transaction/**']),
      docsProject('docs-transaction', docsTransactionExamples, ['docs/examples/transaction/**/*.test.ts']),
      // Each test in a transaction rolled back after it, on per-file schemas: exact per-test state.
      {
        test: {
          name: 'transaction',
          include: ['test/transaction/**/*.test.ts'],
          ...runtag,
          provide: { runtagOptions: { isolation: 'transaction' } },
        },
      },
      notesApp('pg', 'schema'),
      notesApp('pg', 'shared'),
      notesApp('postgres-js', 'schema'),
      notesApp('postgres-js', 'shared'),
      // Each test in a transaction rolled back after it, the app's own pool (its module-level db) included: the sandbox.
      notesApp('pg', 'transaction'),
      notesApp('postgres-js', 'transaction'),
    ],
  },
});

/**
 * A project running docs examples with the config the docs show: 'runtag' and 'runtag/*' resolve
 * to the source, so the examples import runtag by name as a user does.
 */
function docsProject(name: string, config: ViteUserConfig, include: string[], exclude: string[] = []) {
  return {
    resolve: { alias: packageAliases() },
    test: {
      ...config.test,
      name,
      include,
      exclude: [...configDefaults.exclude, ...exclude],
      // Vitest resolves these names itself, before any alias: pointed at the source the same way.
      globalSetup: fromSource(config.test?.globalSetup),
      setupFiles: fromSource(config.test?.setupFiles),
    },
  };
}

/** runtag's entry names ('runtag/vitest/setup') as their source files; other paths as they are. */
function fromSource(files: string | string[] | undefined): string[] {
  const entries = packageEntries();
  return [files ?? []].flat().map((file) => (entries[file] ? `./${entries[file]}` : file));
}
