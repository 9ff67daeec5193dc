export { RuntagError, RuntagAggregateError, type RuntagErrorCode } from './errors/runtag-error.js';
export { createRunId, isRunId, type RunId } from './run/run-id.js';
export { Tagger, fileScope, likePrefix } from './run/tag.js';
export { connect, type Sql } from './db/connect.js';
export { startDatabase, type DatabaseServer } from './db/server.js';
export { DatabaseConnectionError } from './db/connection-error.js';
export { registerRunWithLease, ConnectionBudgetError, type ConnectionBudget } from './registry/connection-lease.js';
export { registeredRuns, type RegisteredRun } from './registry/liveness.js';
export { sweepDeadRuns, formatSweepReport, type SweepReport, type SweepOptions } from './registry/sweep.js';
export { assertTestDatabase, NotATestDatabaseError, ALLOW_DATABASE_ENV } from './db/test-database-guard.js';
export { TestSchema, type IsolationMode, type TestSchemaOptions } from './isolation/test-schema.js';
export type { SchemaSource } from './isolation/schema-source.js';
export type { SeedData } from './isolation/seed-data.js';
export { loadMigrations, migrateSchema, MigrationEscapeError } from './isolation/migrations.js';
export { MissingExtensionError } from './isolation/extensions.js';
export { RegistryPermissionError } from './registry/registry-schema.js';
export { RunNotRegisteredError } from './registry/run-records.js';
export {
  defineFactory,
  belongsTo,
  belongsToSelf,
  hasMany,
  manyToMany,
  Factory,
  type FactorySpec,
  type BuildContext,
  type CreateContext,
  type BuildOptions,
  type Overrides,
  type ListOverrides,
  type InsertOf,
  type RowOf,
  type AnyFactory,
  type FactoryFor,
  type Association,
  type HasAssociation,
} from './factory/define-factory.js';
export { tagged, type TaggedValue } from './factory/tagged.js';
export { FactorySession, type FactorySessionOptions } from './factory/session.js';
export { CleanupError } from './factory/tracker.js';
export { FactoryConstraintError, AbortedTransactionError } from './factory/constraint-error.js';
export { FactoryValueError } from './factory/value-error.js';
export { FactoryKeyError } from './factory/check-keys.js';
export { LeakVerifier, type RowLeak } from './leaks/verifier.js';
export { LeakError, formatLeakReport } from './leaks/report.js';
export type { RunConfig } from './lifecycle/run-config.js';
export type { RuntagOptions } from './options/runtag-options.js';
export { stabilize, Stabilizer, type StabilizeOptions, type Stabilized } from './toolkit/stabilize.js';
export { queryReport, type SnapshotQuery, type QueryReportOptions } from './toolkit/query-report.js';
export type { AssertQueryOptions } from './toolkit/assert-query.js';
export type { RaceAttempt, RaceRejection, RaceOptions, RaceResult } from './toolkit/race.js';
export type { LockTarget, RowLockTarget, TableLockTarget, RowLockMode, TableLockMode, HeldLock } from './toolkit/chaos.js';
export type { QueryBudget, QueryCount } from './toolkit/query-budget.js';
