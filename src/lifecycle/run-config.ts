import type { CatalogTable } from '../ownership/catalog.js';
import type { RunIsolation } from '../options/runtag-options.js';
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
  /** Isolation "transaction": how long a connection's own transaction waits for another's in the sandbox (RuntagOptions.sandboxLockWaitMs). */
  sandboxLockWaitMs: number;
  /**
   * In shared isolation, the role every test connection logs in as (the shared schema's tables and
   * nothing else; see shared-role.ts); none when the DATABASE_URL user may not create roles.
   */
  sharedRole?: { name: string; password: string };
  /** Environment variables that hold each Vitest file's database URL before its modules load; empty: none set. */
  databaseUrlEnv: string[];
  /** Keep leaked rows and leftover schemas for inspection (RuntagOptions.keepLeaks). */
  keepLeaks: boolean;
  /** Databases the guard lets runtag use although their name does not contain "test" (RuntagOptions.allowDatabase). */
  allowDatabase: readonly string[];
  /** Playwright: the one app server runtag's global setup started for the whole run (runtagGlobalSetup({ appServer })), if any. */
  sharedAppServer?: { baseURL: string; name: string; logFile: string };
}
