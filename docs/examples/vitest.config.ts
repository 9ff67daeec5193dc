// vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['runtag/vitest/global-setup'], // the database, the run, the run's final leak check
    setupFiles: ['runtag/vitest/setup'], // each file's schema and leak check, each test's session
  },
});
