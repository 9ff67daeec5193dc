import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** One config for every variant: BENCH_VARIANT picks the harness, BENCH_ISOLATE Vitest's isolation. */
const variant = process.env.BENCH_VARIANT ?? 'plain';
const isolation = variant.startsWith('runtag-') ? variant.slice('runtag-'.length) : undefined;
const harness = isolation ? 'runtag' : 'database';

export default defineConfig({
  resolve: { alias: { '@harness': fileURLToPath(new URL(`./harness/${harness}.ts`, import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    isolate: process.env.BENCH_ISOLATE !== 'false',
    ...(isolation
      ? {
          globalSetup: ['runtag/vitest/global-setup'],
          setupFiles: ['runtag/vitest/setup', './harness/runtag-cleanup.setup.ts'],
          provide: { runtagOptions: { isolation: isolation as 'schema', migrationsFolder: 'drizzle', databaseUrlEnv: [] } },
        }
      : { setupFiles: [`./harness/${variant}.setup.ts`] }),
  },
});
