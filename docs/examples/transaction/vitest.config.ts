// vitest.config.ts: the same config, with every test in a transaction rolled back after it
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: { provide: { runtagOptions: { isolation: 'transaction' } } },
  }),
);
