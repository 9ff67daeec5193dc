/**
 * runtag/toolkit: helpers for test authors (races, chaos, query budgets, query snapshots), an entry
 * of their own so that a test file that uses none of them does not load them (runtag/vitest is
 * imported by every file's fork).
 */
export { assertQuery, type AssertQueryOptions } from './assert-query.js';
export { queryReport, type SnapshotQuery, type QueryReportOptions } from './query-report.js';
export { stabilize, Stabilizer, type StabilizeOptions, type Stabilized } from './stabilize.js';
export { race, RaceResult, RaceError, DEFAULT_RACE_CONNECTIONS, type RaceAttempt, type RaceRejection, type RaceOptions } from './race.js';
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
} from './chaos.js';
export { expectQueries, countQueries, QueryBudgetError, type QueryBudget, type QueryCount } from './query-budget.js';
