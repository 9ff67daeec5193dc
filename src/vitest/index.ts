export { installRuntag, currentRuntime } from './setup.js';
export { createRuntagTest, type RuntagFixtures, type FactoryFixtures } from './runtag-test.js';
export { expect } from 'vitest';
