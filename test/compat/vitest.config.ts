import { defineConfig } from 'vitest/config';

/**
 * The compatibility matrix, apart from the main suite (`npm run compat`; CI runs it after `npm test`):
 * its cells install and run projects of their own, two at a time on the two cores.
 */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['matrix.test.ts'],
    maxConcurrency: 2,
    testTimeout: 900_000,
    hookTimeout: 600_000,
  },
});
