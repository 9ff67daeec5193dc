import { runtagVitestDefaults } from 'runtag/vitest/config';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // On CI (CI=true): JUnit and JSON reports in test-results/, whichever Vitest the cell has.
    ...runtagVitestDefaults(),
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['runtag/vitest/global-setup'],
    setupFiles: ['runtag/vitest/setup'],
    // drizzle-kit's output for this cell's major (the matrix copies it here); isolation comes from RUNTAG_ISOLATION.
    provide: { runtagOptions: { migrationsFolder: 'drizzle' } },
  },
});
