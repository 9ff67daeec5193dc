import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The deliberately leaking file beside a clean one: the leak report must name it and nothing else. */
export default mergeConfig(base, defineConfig({ test: { include: ['leaks/*.test.ts', 'test/associations.test.ts'] } }));
