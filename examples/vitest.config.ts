import { defineConfig } from 'vitest/config';

/** The example suite `npm run demo` runs: eight files on two workers. */
export default defineConfig({
  test: {
    include: ['examples/demo/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['./src/vitest/global-setup.ts'],
    setupFiles: ['./examples/setup.ts'],
  },
});
