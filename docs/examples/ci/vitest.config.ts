// vitest.config.ts
import { runtagVitestDefaults } from 'runtag/vitest/config';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    ...runtagVitestDefaults(), // what differs between CI and your machine; override what you like after it
    pool: 'forks',
    globalSetup: ['runtag/vitest/global-setup'],
    setupFiles: ['runtag/vitest/setup'],
  },
});
