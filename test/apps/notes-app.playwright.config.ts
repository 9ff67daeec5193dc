import { defineConfig } from '@playwright/test';
import { chooseChromium } from '../e2e/chromium.js';
import notesApp from '../../examples/notes-app/playwright.config.js';

/**
 * examples/notes-app's own Playwright config, run on runtag's source: the global setup from src/,
 * `runtag/...` imports resolved to src/ (tsconfig paths), and the Chromium this repository uses.
 */
const { executablePath } = chooseChromium();
export default defineConfig(notesApp, {
  testDir: '../../examples/notes-app/e2e',
  globalSetup: './notes-app.global-setup.ts',
  tsconfig: './tsconfig.runtag-source.json',
  outputDir: '../../test-results/notes-app-e2e',
  use: { launchOptions: { ...notesApp.use?.launchOptions, ...(executablePath ? { executablePath } : {}) } },
});
