export { createRuntagTest, fileDatabaseUrl, type RuntagFixtures } from './runtag-test.js';
export type { FactoryFixtures, RuntagTestOptions, Driver, DatabaseOf } from '../lifecycle/runtag-test-options.js';
export { expect } from 'vitest';
export { runtagSnapshotSerializer } from '../toolkit/snapshot-serializer.js';
export { runtagVitestDefaults } from './ci-defaults.js';
// The setup file is 'runtag/vitest/setup' (test.setupFiles); the toolkit (race, chaos helpers, query budgets, assertQuery) is 'runtag/toolkit'.
