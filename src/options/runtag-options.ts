import type { RunId } from '../run/run-id.js';

/** The isolation modes, in the order messages and docs list them. */
export const ISOLATIONS = ['schema', 'shared', 'transaction'] as const;

/**
 * How a run keeps tests apart: `schema`, a schema per file; `shared`, one schema where tags keep
 * rows apart; `transaction`, each file's own schema (as `schema`) and each test inside a
 * transaction rolled back when it ends.
 */
export type RunIsolation = (typeof ISOLATIONS)[number];

/**
 * What a user may choose for a run, given explicitly (Vitest's `provide: { runtagOptions }`,
 * `runtagGlobalSetup({ … })` for Playwright, a CLI flag) or through the variable each names.
 * An explicit option wins over its variable, which wins over the default (see docs/configuration.md).
 */
export interface RuntagOptions {
  /**
   * `schema` (default): a schema per test file. `shared`: one schema, rows kept apart by tags.
   * `transaction`: a schema per file, and each test in a transaction rolled back after it (in Playwright, with an app server per worker).
   * Variable: RUNTAG_ISOLATION.
   */
  isolation?: RunIsolation;
  /** Schema used in `shared` mode. Defaults to "public". */
  sharedSchema?: string;
  /** drizzle-kit's output folder (drizzle.config's `out`), relative to the project root. Default: "migrations" if it holds migrations (drizzle-kit 0.x's journal or 1.0's folders), else "drizzle". */
  migrationsFolder?: string;
  /** In `shared` mode, apply migrations to the shared schema at start (default true). */
  migrateShared?: boolean;
  /**
   * In `schema` mode, how many migrated schemas to keep ready ahead of the test files, built in the
   * background so a file's schema is a claim, not a build. Default: one per worker; 0 turns the
   * pool off (each file builds its own). Variable: RUNTAG_SCHEMA_POOL.
   */
  schemaPool?: number;
  /**
   * A module (relative to the project root) whose default export writes sample data into each
   * file's schema after its migrations: `export default async function seed({ db, sql }) { … }`.
   * It runs as the schema's role while the pool builds the schema, so files pay nothing for it;
   * sequences then start after the seeded ids. Not used in `shared` mode (that data is yours).
   */
  seedData?: string;
  /**
   * A test taking longer than this (its hooks included) is listed at the end of the run, slowest
   * first: a budget reported, never asserted, so a slow CI machine fails nothing. Default 1000 ms;
   * 0 lists none. Variable: RUNTAG_TEST_BUDGET_MS.
   */
  testTimeBudgetMs?: number;
  /**
   * Isolation "transaction": how long a connection's own transaction waits for another connection
   * of the same test to end its transaction, before it fails with SQLSTATE 55P03 naming both
   * (default 5000 ms). Variable: RUNTAG_SANDBOX_LOCK_WAIT_MS.
   */
  sandboxLockWaitMs?: number;
  /** How long a run waits for other runs to free connections before it fails (default 60 s). Variable: RUNTAG_BUDGET_WAIT_SECONDS. */
  budgetWaitSeconds?: number;
  /** The run's base seed, as a failing test prints it: replays every generated value. Default: a fresh one. Variable: RUNTAG_SEED. */
  seed?: number;
  /** Keep leaked rows and leftover schemas for inspection instead of removing them (default false). Variable: RUNTAG_KEEP_LEAKS. */
  keepLeaks?: boolean;
  /** Print neither the run's closing line nor the report of a sweep at its start (default false). Variable: RUNTAG_QUIET. */
  quiet?: boolean;
  /** Write the run's summary as JSON to this file at its end. Variable: RUNTAG_SUMMARY_FILE. */
  summaryFile?: string;
  /** Which CI shard the run is ("2/4"); the runner's own --shard, when given, is taken instead. Variable: RUNTAG_SHARD. */
  shard?: string;
  /** The CI pipeline run this run belongs to, for `runtag runs --group`. Default: the CI's own id. Variable: RUNTAG_CI_GROUP. */
  ciGroup?: string;
  /**
   * Environment variables that hold each test file's own database URL (its role, its schema first
   * on search_path) before the file's modules load, so an app's module-level `db` built from
   * `process.env.DATABASE_URL` reaches the file's schema with no change. Default ["DATABASE_URL"];
   * [] sets none (then hand the `db` fixture to the code under test). Needs Vitest's isolate: true
   * (the default): without it an app's modules, and the db they made, outlive the file. Option only.
   */
  databaseUrlEnv?: readonly string[];
  /** Databases runtag may use although their name does not contain "test". Variable: RUNTAG_ALLOW_DATABASE (comma-separated). */
  allowDatabase?: readonly string[];
  /** The server to run on; none: runtag starts an embedded PostgreSQL. Variable: DATABASE_URL. */
  databaseUrl?: string;
}

/**
 * Everything the resolver resolves: the run's options, and the run id of a FactorySession made
 * outside a run (a script), which a run never takes from anyone (it makes its own).
 */
export interface ExplicitOptions extends RuntagOptions {
  /** Only for a FactorySession made outside a run: the run id its tags and names carry. Variable: RUNTAG_RUN_ID. */
  runId?: RunId;
}
