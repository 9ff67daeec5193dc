import { connect, withConnection, type Sql } from '../db/connect.js';
import { drizzleOver, type RuntagDatabase } from '../db/drizzle-db.js';
import { assertTestDatabase } from '../db/test-database-guard.js';
import type { RunIsolation } from '../options/runtag-options.js';
import { runApplicationName, type RunId } from '../run/run-id.js';
import { scopeUrl } from '../db/scope-url.js';
import { assertRunOwned, fileSchemaName, runSchemaPrefix } from '../run/schema-names.js';
import type { SchemaCredentials, SchemaSource } from './schema-source.js';
import { dropScopeRole } from '../ownership/scope-role.js';

/**
 * - `schema`: each test file gets its own freshly migrated schema, dropped at teardown.
 * - `shared`: everyone uses one existing schema; run-tagged values keep tests apart and
 *   tracked rows are deleted at the end (for e2e against a running app).
 */
export type IsolationMode = 'schema' | 'shared';

/** Where a run's files keep their rows: transaction isolation uses per-file schemas underneath. */
export function schemaModeOf(isolation: RunIsolation): IsolationMode {
  return isolation === 'shared' ? 'shared' : 'schema';
}

export interface TestSchemaOptions<TSchema extends Record<string, unknown>> {
  url: string;
  runId: RunId;
  /** Names the file (or worker) within the run; see `fileScope`. */
  scope: string;
  mode: IsolationMode;
  /** The Drizzle schema object, for typed relational queries on `db` (drizzle-orm 0.x); none for a `db` without `db.query`. */
  schema?: TSchema;
  /** drizzle-orm 1.0's `defineRelations(...)` result, which its `db.query` is built from (ignored by 0.x). */
  relations?: Record<string, unknown>;
  /** drizzle-kit's output folder; default: migrations/ if it holds migrations of either drizzle-kit layout, else drizzle/ (see defaultMigrationsFolder). */
  migrationsFolder?: string;
  /** In `shared` mode, the schema everyone uses. Defaults to "public". */
  sharedSchema?: string;
  /** In `shared` mode, the role the file's connections log in as (the run's shared role); none: the URL's user. */
  sharedCredentials?: SchemaCredentials;
  /** Pool size for this file's connections; see `connectionBudget`. */
  poolSize?: number;
  /** Where schemas come from in `schema` mode; defaults to replaying migrations. */
  source?: SchemaSource;
  /**
   * Called before anything is created, with what will be created (the run registry records it
   * here, so whatever a crash leaves is provably the run's): on the admin connection that builds a
   * file's schema, or on the file's own pool for the shared schema.
   */
  beforeCreate?: (admin: Sql, created: { schema: string; role: string | undefined }) => Promise<unknown>;
  /**
   * In `schema` mode, tried first: a ready schema from the run's pool (see SchemaPool). The pool
   * drops it once the file has closed (its journal says so), so a claimed schema costs the file
   * neither an admin connection nor the drop. Undefined: build one as usual.
   */
  claim?: () => Promise<ClaimedSchemaRef | undefined> | ClaimedSchemaRef | undefined;
  /** In `schema` mode, a module whose default export writes sample data into the new schema (see RuntagOptions.seedData). */
  seedData?: string;
  /** Databases the guard allows although their name does not contain "test"; default: RUNTAG_ALLOW_DATABASE (see assertTestDatabase). */
  allowDatabase?: readonly string[];
}

/** A schema claimed for the file: its name, its search_path, and how to log in as its role. */
export interface ClaimedSchemaRef {
  name: string;
  searchPath: string[];
  credentials?: SchemaCredentials;
}

export class TestSchema<TSchema extends Record<string, unknown> = Record<string, never>> {
  private tornDown = false;

  private constructor(
    readonly name: string,
    /** The file's schema first, then the schemas holding the extensions its migrations use. */
    readonly searchPath: readonly string[],
    readonly mode: IsolationMode,
    /** Pool whose every connection has search_path = this schema. */
    readonly sql: Sql,
    readonly db: RuntagDatabase<TSchema>,
    /** The admin connection that built or registered the schema; none for a claimed one. */
    private readonly admin: Sql | undefined,
    /** Drops the file's own schema and role; undefined for the shared schema (nobody's to drop) and a claimed one (the pool's). */
    private readonly release: (() => Promise<void>) | undefined,
    /** Where the schema came from: the run's pool, built for this file, or the shared one. */
    readonly origin: 'pool' | 'built' | 'shared',
    /** A URL that logs in and resolves names as this schema's pool does, for code runtag does not own (see scope-url.ts). */
    readonly connectionUrl: string,
  ) {}

  static async open<TSchema extends Record<string, unknown>>(options: TestSchemaOptions<TSchema>): Promise<TestSchema<TSchema>> {
    assertTestDatabase(options.url, { embedded: false, action: 'create test schemas and roles', allowed: options.allowDatabase });
    const claimed = options.mode === 'schema' ? await options.claim?.() : undefined;
    // Only a schema the file builds needs an admin connection of its own: a claimed one needs nothing of
    // the admin, and the shared schema's registration goes over the file's own pool (same credentials).
    const admin =
      !claimed && options.mode === 'schema' ? connect(options.url, { max: 1, applicationName: runApplicationName(options.runId, 'admin') }) : undefined;
    let sql: Sql | undefined;
    try {
      let name: string;
      let release: (() => Promise<void>) | undefined;
      let searchPath: string[];
      let credentials: SchemaCredentials | undefined;
      let origin: 'pool' | 'built' | 'shared' = 'shared';
      if (claimed) {
        ({ name, searchPath, credentials } = claimed);
        origin = 'pool';
      } else if (admin) {
        name = fileSchemaName(options.runId, options.scope);
        await options.beforeCreate?.(admin, { schema: name, role: name });
        ({ searchPath, credentials } = await (options.source ?? (await migratingSource(admin, options))).acquire(name));
        origin = 'built';
        const owned = name;
        // The file's role owns its schema, and dropping what the role owns removes it.
        release = options.source ? () => options.source!.release(owned) : () => releaseRunSchema(admin, owned, runSchemaPrefix(options.runId));
      } else {
        name = options.sharedSchema ?? 'public';
        searchPath = [name];
        credentials = options.sharedCredentials;
      }
      sql = connect(options.url, {
        searchPath,
        // A file's own schema: logged in as its role, so what its migrations defined (triggers, defaults,
        // functions) runs with the rights of a role that owns that schema and nothing else, never the admin's.
        ...(credentials ? { credentials } : {}),
        max: options.poolSize ?? 2,
        // Per file, so chaos helpers can end exactly this file's connections (runtag:<run>:… stays the run's).
        applicationName: runApplicationName(options.runId, `scope-${options.scope}`),
      });
      if (origin === 'shared' && options.beforeCreate) {
        // The registry is runtag's, not the shared role's: registered over a short admin connection when the file logs in as the role.
        const register = options.beforeCreate;
        if (credentials)
          await withConnection(options.url, (admin) => register(admin, { schema: name, role: undefined }), {
            applicationName: runApplicationName(options.runId, 'admin'),
          });
        else await register(sql, { schema: name, role: undefined });
      }
      const db = drizzleOver<RuntagDatabase<TSchema>>(sql, { schema: options.schema, relations: options.relations });
      const connectionUrl = appDatabaseUrl(options.url, options.runId, options.scope, searchPath, credentials);
      return new TestSchema(name, searchPath, options.mode, sql, db, admin, release, origin, connectionUrl);
    } catch (error) {
      await sql?.end({ timeout: 5 });
      await admin?.end({ timeout: 5 });
      throw error;
    }
  }

  /**
   * Close this file's connections and, for a schema it built, drop it; a claimed schema is handed
   * back to the pool, which drops it. Safe to call twice.
   */
  async teardown(): Promise<{ dropped: boolean; handedBack: boolean }> {
    if (this.tornDown) return { dropped: false, handedBack: false };
    this.tornDown = true;
    await this.sql.end({ timeout: 5 });
    try {
      await this.release?.();
      return { dropped: this.release !== undefined, handedBack: this.origin === 'pool' };
    } finally {
      await this.admin?.end({ timeout: 5 });
    }
  }
}

/**
 * The source that builds a file's schema by replaying its migrations. Loaded only when a file
 * builds one (no pool, or the pool ran dry): a worker whose files claim pooled schemas never loads
 * the migration replay or the extension and seed modules.
 */
async function migratingSource(admin: Sql, options: TestSchemaOptions<Record<string, unknown>>): Promise<SchemaSource> {
  const [{ MigratingSchemaSource }, { defaultMigrationsFolder, loadMigrations }, { seedDataFrom }] = await Promise.all([
    import('./schema-source.js'),
    import('./migration-files.js'),
    import('./seed-data.js'),
  ]);
  return new MigratingSchemaSource(
    admin,
    options.url,
    () => loadMigrations(options.migrationsFolder ?? defaultMigrationsFolder(process.cwd())),
    runSchemaPrefix(options.runId),
    runApplicationName(options.runId, 'migrate'),
    { seedData: seedDataFrom(options.seedData) },
  );
}

/** Drop a schema of this run (never another's) with what its role owns, and the role. */
async function releaseRunSchema(admin: Sql, name: string, ownedPrefix: string): Promise<void> {
  assertRunOwned(name, ownedPrefix);
  await dropScopeRole(admin, name);
}

/** The application_name of connections the app under test opens through a scope's URL: ended when the scope closes. */
export function appApplicationName(runId: RunId, scope: string): string {
  return runApplicationName(runId, `app-${scope}`);
}

/**
 * The URL the app under test gets for a scope (a file, a worker, or `shared`: the one app server of
 * a whole run): the scope's role if it has one, its search_path, an application_name naming it, and
 * synchronous_commit off (test data need not survive a crash of the server).
 */
export function appDatabaseUrl(url: string, runId: RunId, scope: string, searchPath: readonly string[], credentials?: SchemaCredentials): string {
  return scopeUrl(url, { credentials, searchPath, applicationName: appApplicationName(runId, scope), settings: { synchronous_commit: 'off' } });
}
