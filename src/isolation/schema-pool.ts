import { connect, type Sql } from '../db/connect.js';
import { REGISTRY_SCHEMA } from '../registry/registry-schema.js';
import { recordScope } from '../registry/run-records.js';
import { runApplicationName, type RunId } from '../run/run-id.js';
import { loadMigrations, type MigrationSet } from './migrations.js';
import { runSchemaPrefix } from './schema-names.js';
import { MigratingSchemaSource } from './schema-source.js';
import { seedDataFrom, type ModuleImporter } from './seed-data.js';

/** How often an idle pool looks whether a file has claimed one of its schemas. */
const REFILL_POLL_MS = 20;

export interface ClaimedSchema {
  name: string;
  searchPath: string[];
  /** The scope's number in the run (its tags carry it). */
  scopeNo: number;
}

/**
 * Migrated schemas kept ahead of demand by the run's main process, so that a test file's schema is
 * a claim (one UPDATE … SKIP LOCKED on the registry) rather than a build. Every pooled schema is a
 * scope of the run in the registry from before it exists, owned by a role of its own like any
 * file's schema: a crashed run's pool is swept with its files, and a claimed schema is dropped by
 * the file that claimed it, as if it had built it.
 */
export class SchemaPool {
  private stopped = false;
  private built = 0;
  private failure: Error | undefined;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly admin: Sql,
    private readonly runId: RunId,
    private readonly source: MigratingSchemaSource | undefined,
    private readonly size: number,
    failure?: Error,
  ) {
    this.failure = failure;
    this.loop = source ? this.fill() : Promise.resolve();
  }

  /** Start filling in the background; nothing is awaited here. */
  static start(options: { url: string; runId: RunId; migrationsFolder: string; size: number; seedData?: string; importModule?: ModuleImporter }): SchemaPool {
    const admin = connect(options.url, { max: 1, applicationName: runApplicationName(options.runId, 'pool') });
    let migrations: MigrationSet;
    try {
      migrations = loadMigrations(options.migrationsFolder);
    } catch (error) {
      // No pool then: each file reports the same error, naming itself.
      return new SchemaPool(admin, options.runId, undefined, 0, error as Error);
    }
    const source = new MigratingSchemaSource(
      admin,
      options.url,
      migrations,
      runSchemaPrefix(options.runId),
      runApplicationName(options.runId, 'pool-migrate'),
      seedDataFrom(options.seedData, options.importModule),
    );
    return new SchemaPool(admin, options.runId, source, options.size);
  }

  /** Schemas built so far; why the pool stopped filling, if it did. */
  get stats(): { built: number; failure: string | undefined } {
    return { built: this.built, failure: this.failure?.message };
  }

  /** Stop filling and drop every schema no file claimed. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    try {
      const unclaimed = await this.admin.unsafe<{ role_name: string }[]>(
        `select role_name from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and pool_state is not null`,
        [this.runId],
      );
      // Released like a file's schema: the source refuses any name outside this run's prefix.
      for (const { role_name } of unclaimed) await this.source?.release(role_name);
      await this.admin.unsafe(`delete from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and pool_state is not null`, [this.runId]);
    } finally {
      await this.admin.end({ timeout: 5 });
    }
  }

  private async fill(): Promise<void> {
    while (!this.stopped) {
      try {
        const [row] = await this.admin.unsafe<{ n: number }[]>(
          `select count(*)::int as n from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and pool_state is not null`,
          [this.runId],
        );
        if (row!.n >= this.size) {
          await sleep(REFILL_POLL_MS);
          continue;
        }
        await this.buildOne();
      } catch (error) {
        // The files build their own schemas from here on (and report the same error with their names), or, with seed data, wait in vain: say why.
        this.failure = error as Error;
        if (!this.stopped) console.error(`runtag: the schema pool stopped building schemas: ${this.failure.message}`);
        return;
      }
    }
  }

  private async buildOne(): Promise<void> {
    const n = ++this.built;
    const name = `${runSchemaPrefix(this.runId)}p${n}`;
    const scope = `pool:${n}`;
    // Registered before it exists, like a file's schema: a crash mid-build leaves nothing unowned.
    await recordScope(this.admin, this.runId, { scope, label: '(schema pool)', roleName: name, schemaName: name, poolState: 'building' });
    const { searchPath } = await this.source!.acquire(name);
    await this.admin.unsafe(`update ${REGISTRY_SCHEMA}.scopes set pool_state = 'ready', search_path = $3 where run_id = $1 and scope = $2`, [
      this.runId,
      scope,
      searchPath,
    ]);
  }
}

/**
 * Take a ready schema of the run's pool for `scope`, or undefined when none is ready (the caller
 * builds one itself: a file never waits for the pool). Concurrent claims never get the same schema.
 */
export async function claimPooledSchema(admin: Sql, runId: RunId, scope: string, label: string): Promise<ClaimedSchema | undefined> {
  const [claimed] = await admin.unsafe<{ schema_name: string; search_path: string[]; scope_no: number }[]>(
    `update ${REGISTRY_SCHEMA}.scopes set scope = $2, label = $3, pool_state = null, opened_at = now()
     where run_id = $1 and scope = (
       select scope from ${REGISTRY_SCHEMA}.scopes
       where run_id = $1 and pool_state = 'ready'
         and not exists (select 1 from ${REGISTRY_SCHEMA}.scopes taken where taken.run_id = $1 and taken.scope = $2)
       order by scope_no limit 1 for update skip locked)
     returning schema_name, search_path, scope_no`,
    [runId, scope, label],
  );
  return claimed && { name: claimed.schema_name, searchPath: claimed.search_path, scopeNo: claimed.scope_no };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
