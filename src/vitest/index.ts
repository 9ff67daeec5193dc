export { installRuntag, currentRuntime } from './setup.js';
export { createRuntagTest, type RuntagFixtures, type FactoryFixtures } from './runtag-test.js';
export { expect } from 'vitest';
export { assertQuery, type AssertQueryOptions } from '../toolkit/assert-query.js';
export { runtagSnapshotSerializer } from '../toolkit/snapshot-serializer.js';
export { race, RaceResult, RaceError, DEFAULT_RACE_CONNECTIONS, type RaceAttempt, type RaceRejection, type RaceOptions } from '../toolkit/race.js';
export {
  terminateConnections,
  holdLock,
  delayStatements,
  ChaosError,
  type LockTarget,
  type RowLockTarget,
  type TableLockTarget,
  type RowLockMode,
  type TableLockMode,
  type HeldLock,
} from '../toolkit/chaos.js';
export { expectQueries, countQueries, QueryBudgetError, type QueryBudget, type QueryCount } from '../toolkit/query-budget.js';
export { runtagVitestDefaults } from './ci-defaults.js';
