import { watch, type FSWatcher } from 'node:fs';
import { connect, type Sql } from '../db/connect.js';
import { isConnectionLoss } from '../db/connection-error.js';
import { REGISTRY_SCHEMA } from '../registry/registry-schema.js';
import { recordScope } from '../registry/run-records.js';
import { runApplicationName, type RunId } from '../run/run-id.js';
import { loadMigrations, type MigrationSet } from './migration-files.js';
import { readJournals } from '../registry/journal.js';
import { claimsMade, markPoolStopped, offerSchema, openOffers, withdrawOffer, type SchemaClaim } from './schema-claim.js';
import { runSchemaPrefix } from '../run/schema-names.js';
import { MigratingSchemaSource } from './schema-source.js';
import { ensureTemplate, TEMPLATE_BUILDING_SCOPE } from './schema-template.js';
import type { SealedTemplate } from './template-copy.js';
import { seedDataFrom, type ModuleImporter } from './seed-data.js';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * How long a full pool waits before it looks again whether a file claimed a schema, unless woken
 * sooner (see `runDir`).
 */
const IDLE_CHECK_MS = 1_000;

interface PoolOptions {
  url: string;
  runId: RunId;
  migrationsFolder: string;
  size: number;
  seedData?: string;
  importModule?: ModuleImporter;
  /**
   * The run directory: ready schemas are offered there, files claim them there (see
   * schema-claim.ts), and their journals there say when they closed. The pool wakes when it changes.
   */
  runDir: string;
}

/**
 * Migrated schemas kept ahead of demand by the run's main process, so that a test file's schema is
 * a claim (a rename in the run directory: see schema-claim.ts) rather than a build. Every pooled
 * schema is a scope of the run in the registry from before it exists, owned by a role of its own
 * like any file's schema: a crashed run's pool is swept with its files. The pool records each
 * claim in the registry (the file's scope and label) and, when the file's journal says it closed,
 * drops the schema: neither the claim nor the drop is on the file's path, and the file needs no
 * connection but its own pool.
 *
 * The pool holds a connection only while it fills. An idle connection the server drops (a fault
 * test, a restart) would otherwise crash the main process on its next query: postgres.js 3.4.9
 * writes to the dropped socket from a timer, where nothing can catch it (porsager/postgres#1208).
 */
export class SchemaPool {
  private stopped = false;
  private built = 0;
  private failure: Error | undefined;
  private readonly loop: Promise<void>;
  private wake: () => void = () => {};
  private readonly watcher: FSWatcher | undefined;
  private template: SealedTemplate | undefined;
  /** The seed module, loaded at most once for the pool's life. */
  private readonly seedData: ReturnType<typeof seedDataFrom>;
  /** Pool scopes whose claim is recorded in the registry. */
  private readonly recorded = new Set<string>();
  /** Schemas dropped after the file that claimed them closed. */
  private readonly released = new Set<string>();
  /** Claimed schemas that could not be dropped, and why (reported by stop; filling goes on, the run's end reports the schema). */
  private readonly unreleasable = new Set<string>();
  private readonly releaseErrors: string[] = [];

  private constructor(
    private readonly options: PoolOptions,
    private readonly migrations: MigrationSet | undefined,
    failure?: Error,
  ) {
    this.failure = failure;
    this.seedData = seedDataFrom(options.seedData, options.importModule);
    // Files claim and write their journals in the run directory: the pool has work then (its own offers are not news).
    this.watcher = migrations
      ? watch(options.runDir, { recursive: true }, (_event, file) => {
          if (!String(file ?? '').startsWith('pool-offers')) this.wake();
        })
      : undefined;
    this.loop = migrations ? this.fill() : Promise.resolve();
  }

  /** Start filling in the background; nothing is awaited here. */
  static start(options: PoolOptions): SchemaPool {
    try {
      return new SchemaPool(options, loadMigrations(options.migrationsFolder));
    } catch (error) {
      // No pool then: each file reports the same error, naming itself (without waiting for the pool first).
      markPoolStopped(options.runDir, (error as Error).message);
      return new SchemaPool(options, undefined, error as Error);
    }
  }

  /**
   * Schemas built so far, the template they are copies of, why the pool stopped filling (if it
   * did), and the claimed schemas it dropped after their files closed.
   */
  get stats(): { built: number; template: string | undefined; failure: string | undefined; released: ReadonlySet<string> } {
    return { built: this.built, template: this.template?.schema, failure: this.failure?.message, released: this.released };
  }

  /**
   * Stop filling, drop the schemas of the files that closed, and every schema no file claimed.
   * A claimed schema whose file never closed (its worker crashed) stays: the run's end reports it
   * with its file, then drops it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.wake();
    await this.loop;
    markPoolStopped(this.options.runDir, 'the run is ending');
    if (!this.migrations) return;
    await this.withAdmin(async (admin) => {
      const source = this.sourceOn(admin);
      // No file may claim what is about to be dropped: one that tries now finds nothing and builds its own.
      for (const offer of openOffers(this.options.runDir)) withdrawOffer(this.options.runDir, offer);
      await this.settle(admin, source);
      // With them, a template this run failed to build (a sealed one is no longer the run's scope).
      const unclaimed = await admin.unsafe<{ role_name: string }[]>(
        `select role_name from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and (pool_state is not null or scope = $2)`,
        [this.options.runId, TEMPLATE_BUILDING_SCOPE],
      );
      // Released like a file's schema: the source refuses any name outside this run's prefix.
      for (const { role_name } of unclaimed) await source.release(role_name);
      await admin.unsafe(`delete from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and (pool_state is not null or scope = $2)`, [
        this.options.runId,
        TEMPLATE_BUILDING_SCOPE,
      ]);
    });
    if (this.releaseErrors.length > 0) throw new RuntagError('POOL_RELEASE_FAILED', this.releaseErrors.join('; '));
  }

  /**
   * Record new claims in the registry (the claiming file's scope and label, from its journal), and
   * drop the schemas of claiming files that closed. The registry row stays, as a built schema's
   * does, until the run ends.
   */
  private async settle(admin: Sql, source: MigratingSchemaSource): Promise<void> {
    const claims = claimsMade(this.options.runDir).filter((claim) => !this.released.has(claim.offer.name) && !this.unreleasable.has(claim.offer.name));
    if (claims.length === 0) return;
    const journals = new Map(readJournals(this.options.runDir).map((journal) => [journal.scope, journal]));
    for (const claim of claims) {
      const journal = journals.get(claim.scope);
      if (!this.recorded.has(claim.offer.poolScope)) await this.recordClaim(admin, claim, journal?.label);
      if (journal?.closedAt === undefined || !journal.schemaHandedBack) continue;
      try {
        // The source refuses any name outside this run's prefix.
        await source.release(claim.offer.name);
        this.released.add(claim.offer.name);
      } catch (error) {
        if (isConnectionLoss(error)) throw error;
        this.unreleasable.add(claim.offer.name);
        this.releaseErrors.push(`${claim.offer.name} (claimed by ${journal.label}): ${(error as Error).message}`);
      }
    }
  }

  private async recordClaim(admin: Sql, claim: SchemaClaim, label: string | undefined): Promise<void> {
    await admin.unsafe(`update ${REGISTRY_SCHEMA}.scopes set scope = $3, label = $4, pool_state = null, opened_at = now() where run_id = $1 and scope = $2`, [
      this.options.runId,
      claim.offer.poolScope,
      claim.scope,
      label ?? '(a test file)',
    ]);
    this.recorded.add(claim.offer.poolScope);
  }

  private async fill(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.withAdmin(async (admin) => {
          // Once per server and hash, whichever run comes first; every later run finds it sealed.
          this.template ??= await ensureTemplate(admin, {
            url: this.options.url,
            runId: this.options.runId,
            migrations: this.migrations!,
            seedData: this.seedData,
          });
          const source = this.sourceOn(admin);
          // Claims first: a claimed schema no longer counts as ready.
          await this.settle(admin, source);
          while (!this.stopped && (await this.pooled(admin)) < this.options.size) {
            await this.buildOne(admin, source);
            await this.settle(admin, source);
          }
        });
      } catch (error) {
        // A dropped connection (a restart, a fault test): the next round opens a new one.
        if (isConnectionLoss(error) && !this.stopped) {
          await this.idle();
          continue;
        }
        // The files build their own schemas from here on (and report the same error with their names), or, with seed data, wait in vain: say why.
        this.failure = error as Error;
        markPoolStopped(this.options.runDir, this.failure.message);
        if (!this.stopped) console.error(`runtag: the schema pool stopped building schemas: ${this.failure.message}`);
        return;
      }
      if (!this.stopped) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, IDLE_CHECK_MS);
      this.wake = () => (clearTimeout(timer), resolve());
    });
  }

  /** A connection for one round of work, closed after it (the pool holds none while idle: see the class comment). */
  private async withAdmin<T>(work: (admin: Sql) => Promise<T>): Promise<T> {
    const admin = connect(this.options.url, { max: 1, applicationName: runApplicationName(this.options.runId, 'pool') });
    try {
      return await work(admin);
    } finally {
      await admin.end({ timeout: 5 });
    }
  }

  /** A schema source on `admin` that builds copies of the template (once it is known). */
  private sourceOn(admin: Sql): MigratingSchemaSource {
    const { url, runId } = this.options;
    return new MigratingSchemaSource(admin, url, this.migrations!, runSchemaPrefix(runId), runApplicationName(runId, 'pool-migrate'), {
      seedData: this.seedData,
      template: this.template,
    });
  }

  /** Schemas of the pool that are built or being built, not yet claimed. */
  private async pooled(admin: Sql): Promise<number> {
    const [row] = await admin.unsafe<{ n: number }[]>(`select count(*)::int as n from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and pool_state is not null`, [
      this.options.runId,
    ]);
    return row!.n;
  }

  private async buildOne(admin: Sql, source: MigratingSchemaSource): Promise<void> {
    const n = ++this.built;
    const name = `${runSchemaPrefix(this.options.runId)}p${n}`;
    const scope = `pool:${n}`;
    // Registered before it exists, like a file's schema: a crash mid-build leaves nothing unowned.
    const scopeNo = await recordScope(admin, this.options.runId, { scope, label: '(schema pool)', roleName: name, schemaName: name, poolState: 'building' });
    const { searchPath, credentials } = await source.acquire(name);
    await admin.unsafe(`update ${REGISTRY_SCHEMA}.scopes set pool_state = 'ready', search_path = $3 where run_id = $1 and scope = $2`, [
      this.options.runId,
      scope,
      searchPath,
    ]);
    offerSchema(this.options.runDir, { name, searchPath, scopeNo, poolScope: scope, credentials });
  }
}
