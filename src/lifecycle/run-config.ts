import type { RunIsolation } from '../isolation/test-schema.js';
import type { CatalogTable } from '../ownership/catalog.js';
import type { RunId } from '../run/run-id.js';

/** What the main process (globalSetup) hands to every worker. Plain data: it crosses process boundaries. */
export interface RunConfig {
  runId: RunId;
  /** The short key the run's tags start with, registered unique in the run registry. */
  runKey: string;
  databaseUrl: string;
  isolation: RunIsolation;
  sharedSchema: string;
  /** In `shared` isolation, the shared schema's tables as the run found them, for each file's leak check. */
  sharedCatalog?: CatalogTable[];
  /** Absolute path of drizzle-kit's output folder. */
  migrationsFolder: string;
  /** Connections each worker's pool may open. */
  poolSize: number;
  /** Migrated schemas the main process keeps ready for files to claim (`schema` isolation); 0: none. */
  schemaPool: number;
  /** Absolute path of the module whose sample data every file's schema starts with. */
  seedData?: string;
  /** Base seed of the run; each file and test derives its own from it. */
  seed: number;
  /** Directory where scopes write their journals, read back at the end of the run. */
  runDir: string;
  /** Project root, to name files relative to it. */
  root: string;
  /** Tests that take longer are listed in the run's summary (reported, never failed); 0: none listed. */
  testTimeBudgetMs: number;
  /** Environment variables that hold each Vitest file's database URL before its modules load; empty: none set. */
  databaseUrlEnv: string[];
}

/** What a user may choose; everything else is derived. */
export interface RuntagOptions {
  /**
   * `schema` (default): a schema per test file. `shared`: one schema, rows kept apart by tags.
   * `transaction`: a schema per file, and each test in a transaction rolled back after it (Vitest only).
   */
  isolation?: RunIsolation;
  /** Schema used in `shared` mode. Defaults to "public". */
  sharedSchema?: string;
  /** drizzle-kit's output folder (drizzle.config's `out`), relative to the project root. Default: "migrations" if it holds a journal, else "drizzle". */
  migrationsFolder?: string;
  /** In `shared` mode, apply migrations to the shared schema at start (default true). */
  migrateShared?: boolean;
  /**
   * In `schema` mode, how many migrated schemas to keep ready ahead of the test files, built in the
   * background so a file's schema is a claim, not a build. Default: one per worker; 0 turns the
   * pool off (each file builds its own). RUNTAG_SCHEMA_POOL overrides it.
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
   * 0 lists none. RUNTAG_TEST_BUDGET_MS overrides it.
   */
  testTimeBudgetMs?: number;
  /**
   * Environment variables that hold each test file's own database URL (its role, its schema first
   * on search_path) before the file's modules load, so an app's module-level `db` built from
   * `process.env.DATABASE_URL` reaches the file's schema with no change. Default ["DATABASE_URL"];
   * [] sets none (then hand the `db` fixture to the code under test). Needs Vitest's isolate: true
   * (the default): without it an app's modules, and the db they made, outlive the file.
   */
  databaseUrlEnv?: string[];
}
