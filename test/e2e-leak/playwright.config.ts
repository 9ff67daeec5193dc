import { defineConfig } from '@playwright/test';

/**
 * A suite that leaks on purpose, kept out of the normal run: test/e2e/leak-detection.spec.ts runs
 * it in a child process and checks that runtag fails it and names the culprit. No browser needed.
 */
export default defineConfig({
  testDir: '.',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  globalSetup: '../../src/playwright/global-setup.ts',
  reporter: 'list',
  outputDir: '../../test-results/e2e-leak',
});
