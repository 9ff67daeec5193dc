import os from 'node:os';
import { defineConfig, devices } from '@playwright/test';
import { runtagPlaywrightDefaults } from './src/playwright/ci-defaults.js';
import { chooseChromium } from './test/e2e/chromium.js';
import { prepareVideoRecording } from './test/e2e/video-recorder.js';

/**
 * CHROMIUM_PATH, else the system's Chromium (Debian's `chromium` package), else Playwright's own
 * (see test/e2e/chromium.ts). Running as root needs --no-sandbox; the rest stop background calls
 * home that fail offline.
 */
const { executablePath } = chooseChromium();
const chromium = {
  ...(executablePath ? { executablePath } : {}),
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
