import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The other drizzle-kit major's folder (the matrix copies it to wrong-layout/): the run must refuse it before building a schema. */
export default mergeConfig(
  base,
  defineConfig({ test: { include: ['test/server.test.ts'], provide: { runtagOptions: { migrationsFolder: 'wrong-layout' } } } }),
);
