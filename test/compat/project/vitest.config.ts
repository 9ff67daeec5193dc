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
    // No migrationsFolder: runtag finds drizzle/ (drizzle-kit's default out, where the matrix copies the
    // cell's folder) in either layout. Isolation comes from RUNTAG_ISOLATION.
  },
});
