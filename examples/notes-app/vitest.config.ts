import { defineConfig } from 'vitest/config';

/** The services' tests: 9 files on 2 workers, each with its own schema (RUNTAG_ISOLATION=shared: one shared schema). */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['runtag/vitest/global-setup'],
    setupFiles: ['runtag/vitest/setup'],
  },
});
