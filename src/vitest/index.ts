export { installRuntag, currentRuntime } from './setup.js';
export { createRuntagTest, type RuntagFixtures, type FactoryFixtures } from './runtag-test.js';
export { expect } from 'vitest';
export { runtagSnapshotSerializer } from '../toolkit/snapshot-serializer.js';
export { runtagVitestDefaults } from './ci-defaults.js';
// The toolkit (race, chaos helpers, query budgets, assertQuery) is imported from 'runtag/toolkit'.
