export { installRuntag, currentRuntime } from './setup.js';
export { test, expect, type RuntagFixtures } from './fixtures.js';
