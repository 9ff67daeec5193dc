// playwright.config.ts
import { defineConfig } from '@playwright/test';
import { runtagPlaywrightDefaults } from 'runtag/playwright';

export default defineConfig({
  ...runtagPlaywrightDefaults(),
  testDir: 'e2e',
  globalSetup: 'runtag/playwright/global-setup',
});
