import { defineConfig, devices } from '@playwright/test';

/**
 * The notes app end to end: runtag's global setup starts the database, each of the 2 workers
 * gets its own copy of the app (see e2e/fixtures.ts). CHROMIUM_PATH: a Chromium of the system's,
 * where Playwright's own (`npx playwright install chromium`) is not installed.
 */
export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: 'list',
  globalSetup: 'runtag/playwright/global-setup',
  use: {
    launchOptions: {
      ...(process.env.CHROMIUM_PATH ? { executablePath: process.env.CHROMIUM_PATH } : {}),
      // As root Chromium needs --no-sandbox; the rest keep it from calling home.
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
});
