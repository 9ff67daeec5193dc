import os from 'node:os';
import { defineConfig, devices } from '@playwright/test';
import { runtagPlaywrightDefaults } from './src/playwright/ci-defaults.js';
import { prepareVideoRecording } from './test/e2e/video-recorder.js';

/**
 * A distribution Chromium (Debian's `chromium` package) rather than Playwright's download.
 * Running as root needs --no-sandbox; the rest stop background calls home that fail offline.
 */
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-gpu',
  ],
};

export default defineConfig({
  // On CI: one retry (reported as flaky), JUnit and JSON reports in test-results/, no test.only.
  ...runtagPlaywrightDefaults(),
  testDir: 'test/e2e',
  fullyParallel: true,
  // At least two, so the claims about parallel workers are exercised even on a one-core machine.
  workers: Math.max(2, Math.min(4, os.cpus().length)),
  globalSetup: './src/playwright/global-setup.ts',
  use: {
    trace: 'retain-on-failure',
    video: prepareVideoRecording() ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'] } },
    // The booking flow on a phone: Pixel 7 emulation (viewport, touch, user agent) in the same Chromium.
    { name: 'mobile', use: { ...devices['Pixel 7'] }, testMatch: /booking\.spec\.ts$/ },
  ],
});
