import { runtagVitestDefaults } from 'runtag/vitest/config';
import { defineConfig } from 'vitest/config';

/**
 * runtag's global setup and setup file at the root, two inline projects under them (Vitest 5 makes
 * inline projects inherit the root config and runs the root's global setup once for all of them):
 * one run must answer for both projects' files, the skipped one included. Run in the Vitest 5 cells.
 */
export default defineConfig({
  test: {
    ...runtagVitestDefaults(),
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['runtag/vitest/global-setup'],
    setupFiles: ['runtag/vitest/setup'],
    projects: [
      { test: { name: 'factories', include: ['test/associations.test.ts', 'test/parallel-1.test.ts'] } },
      { test: { name: 'skipped', include: ['skipped/*.test.ts'] } },
    ],
  },
});
