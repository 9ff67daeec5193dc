import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** Runs the deliberately leaking file beside two clean ones: the leak report must name it and nothing else. */
export default mergeConfig(base, defineConfig({ test: { include: ['leaks/*.test.ts', 'test/posts-1.test.ts', 'test/threads-1.test.ts'] } }));
