/**
 * runtag/advanced: the parts runtag's runners are built from, for tools and scripts that drive a
 * run themselves: run ids and tag prefixes, connections and the embedded server, the test-database
 * guard, the run registry (leases, live runs, the sweep of dead ones), per-file schemas
 * (TestSchema, migrations), and the leak verifier. A test author needs none of it: `runtag`,
 * `runtag/vitest` or `runtag/playwright`, and `runtag/toolkit` cover tests.
 */
export { createRunId, isRunId, type RunId } from '../run/run-id.js';
export { fileScope, likePrefix } from '../run/tag.js';
export { connect, type Sql } from '../db/connect.js';
export { startDatabase, type DatabaseServer } from '../db/server.js';
export { DatabaseConnectionError } from '../db/connection-error.js';
export { assertTestDatabase, NotATestDatabaseError, ALLOW_DATABASE_ENV } from '../db/test-database-guard.js';
export { registerRunWithLease, ConnectionBudgetError, type ConnectionBudget } from '../registry/connection-lease.js';
export { registeredRuns, type RegisteredRun } from '../registry/liveness.js';
export { sweepDeadRuns, formatSweepReport, type SweepReport, type SweepOptions } from '../registry/sweep.js';
export { RegistryPermissionError } from '../registry/registry-schema.js';
export { RunNotRegisteredError } from '../registry/run-records.js';
export { TestSchema, type IsolationMode, type TestSchemaOptions } from '../isolation/test-schema.js';
export type { SchemaSource } from '../isolation/schema-source.js';
export { loadMigrations, type MigrationSet, type Migration, type MigrationsLayout } from '../isolation/migration-files.js';
export { migrateSchema, MigrationEscapeError } from '../isolation/migrations.js';
export { MigrationJournalError } from '../isolation/migration-journal.js';
export { MissingExtensionError } from '../isolation/extensions.js';
export { LeakVerifier, type RowLeak } from '../leaks/verifier.js';
export { formatLeakReport } from '../leaks/report.js';
export type { RunConfig } from '../lifecycle/run-config.js';
// The parts of a FactorySession (session.binding, session.values, session.tracker).
export type { DatabaseBinding } from '../factory/db-binding.js';
export type { ValueStream } from '../factory/value-stream.js';
export type { RowTracker } from '../factory/tracker.js';
