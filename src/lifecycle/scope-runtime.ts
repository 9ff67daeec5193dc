import { preloadEnglishFaker } from '../factory/english-faker.js';
import { FactorySession } from '../factory/session.js';
import { deriveSeed } from '../factory/value-stream.js';
import { fileSchemaName } from '../run/schema-names.js';
import { claimOrAwaitPooledSchema, poolStopped } from '../isolation/schema-claim.js';
import { schemaModeOf, TestSchema } from '../isolation/test-schema.js';
import { EscapeProbe, restorable, type Escape } from '../isolation/escape-probe.js';
import { TestTransaction } from '../isolation/test-transaction.js';
import { Sandbox } from '../sandbox/sandbox.js';
import { connect, type Sql } from '../db/connect.js';
import { recoverPool } from '../db/pool-recovery.js';
import { NodePgScopePool } from '../db/node-pg.js';
import { DrizzleInstances, drizzleOver, type DrizzleQueryConfig, type RuntagDatabase } from '../db/drizzle-db.js';
import type { DatabaseOf } from './runtag-test-options.js';
import { TestScope } from './test-scope.js';
import { LeakError } from '../leaks/report.js';
import { LeakVerifier, type RowLeak } from '../leaks/verifier.js';
import { recordScope } from '../registry/run-records.js';
import { scopeTag } from '../run/run-key.js';
import { Tagger } from '../run/tag.js';
import { registerScope, writeJournal, type ScopeJournal } from '../registry/journal.js';
import type { RunConfig } from './run-config.js';
import { RuntagAggregateError, RuntagError } from '../errors/runtag-error.js';

export interface ScopeReport extends ScopeJournal {
  error: Error | undefined;
}

const POOL_WAIT_MS = 120_000;
/**
 * How long a file waits for the pool's copy under way before it builds a schema of its own: a copy
 * from the template takes 50–250 ms in the main process, a file's own build replays the migrations
 * on its path. Measured: without the wait, 5 of 20 quick files (isolate: false) built their own.
 */
const POOL_GRACE_MS = 2_000;

/** With seed data only the pool builds schemas (it seeds them): the file waits for one, or for the pool to say it stopped. */
async function waitForPooledSchema(config: RunConfig, scope: string, label: string) {
  const claimed = await claimOrAwaitPooledSchema(config.runDir, scope, POOL_WAIT_MS);
  if (claimed) return claimed;
  throw new RuntagError(
    'NO_POOLED_SCHEMA',
    `runtag: ${label} got no seeded schema from the run's pool (${poolStopped(config.runDir) ? 'the pool stopped building' : `none within ${POOL_WAIT_MS / 1000} s`}). ` +
      'The pool builds and seeds them in the main process; look for its error above (a failing seed data module or migration), or raise schemaPool.',
  );
}

/**
 * One scope of a run (a Vitest file, a Playwright worker): its schema, its factory session, the
 * tests running in it, and on close: delete tracked rows, check for leaks of this scope only, drop
 * the schema. Runner adapters hold it (a Vitest file's hooks, a Playwright worker fixture) and hand
 * it to fixtures and the toolkit; nothing finds it in module state.
 */
export class ScopeRuntime {
  /** Sessions opened on this scope besides its own (one per test), cleaned up and counted at close. */
  private readonly extraSessions: FactorySession[] = [];
  /** Tests begun and not yet ended: more than one under `test.concurrent`. */
  private readonly runningTests = new Set<TestScope>();
  private probe: Promise<EscapeProbe> | undefined;
  private readonly slowTests: { test: string; ms: number }[] = [];
  /** Drizzle on the scope's pool, one per schema (or relations) object asked for (typed `db.query`). */
  private readonly dbs = new DrizzleInstances<unknown>((query) => drizzleOver(this.testSchema.sql, query));
  /** Drizzle on runtag's pool on the sandbox's shared URL (isolation "transaction"): see scopeDbFor. */
  private readonly sandboxDbs = new DrizzleInstances<unknown>((query) => drizzleOver(this.sandboxPool(this.databaseUrl), query));
  /** Set by terminateConnections(): the pool is brought back to health when the test ends. */
  private poolDisrupted = false;
  /** node-postgres pools by URL (the scope's, or in isolation "transaction" a test's sandbox URL), opened when a `db` on one is first asked for (driver 'pg'). */
  private readonly nodePg = new Map<string, Promise<NodePgScopePool>>();
  /** runtag's own pools on the sandbox's per-test URLs (isolation "transaction"): one per server connection, kept across tests. */
  private readonly sandboxPools = new Map<string, Sql>();

  private constructor(
    readonly config: RunConfig,
    readonly scope: string,
    readonly label: string,
    readonly testSchema: TestSchema<Record<string, never>>,
    readonly session: FactorySession,
    private readonly openedAt: number,
    /** Isolation "transaction": the endpoint every connection of the scope goes through, so each test's transaction holds them all. */
    readonly sandbox: Sandbox | undefined,
  ) {}

  static async open(config: RunConfig, scope: string, label: string): Promise<ScopeRuntime> {
    // Registered first, so a schema orphaned by a crash below can still be traced to its file.
    let scopeNumber = 0;
    const opened = registerScope(config.runDir, scope, label, config.isolation === 'shared' ? config.sharedSchema : fileSchemaName(config.runId, scope));
    // faker's data is parsed while the schema is claimed: the worker waits on the network then anyway.
    const fakerLoaded = preloadEnglishFaker();
    const testSchema = await TestSchema.open<Record<string, never>>({
      url: config.databaseUrl,
      runId: config.runId,
      scope,
      mode: schemaModeOf(config.isolation),
      migrationsFolder: config.migrationsFolder,
      sharedSchema: config.sharedSchema,
      sharedCredentials: config.sharedRole ? { user: config.sharedRole.name, password: config.sharedRole.password } : undefined,
      poolSize: config.poolSize,
      allowDatabase: config.allowDatabase,
      // Into the registry before anything is created: whatever a crash leaves is then provably this run's.
      beforeCreate: async (admin, created) => {
        scopeNumber = await recordScope(admin, config.runId, { scope, label, roleName: created.role ?? null, schemaName: created.schema });
      },
      // A ready schema from the run's pool is already registered; the claim makes it this file's.
      // With seed data only the pool builds schemas (it seeds them): the file waits for one instead of building its own.
      claim:
        config.schemaPool > 0
          ? async () => {
              const claimed = config.seedData
                ? await waitForPooledSchema(config, scope, label)
                : await claimOrAwaitPooledSchema(config.runDir, scope, POOL_GRACE_MS);
              if (claimed) scopeNumber = claimed.scopeNo;
              return claimed;
            }
          : undefined,
    });
    // Isolation "transaction": the sandbox's server connection logs in (~5–10 ms) while faker's data is still being parsed.
    const sandboxStarted =
      config.isolation === 'transaction' ? Sandbox.start({ upstreamUrl: testSchema.connectionUrl, label, lockWaitMs: config.sandboxLockWaitMs }) : undefined;
    sandboxStarted?.catch(() => {});
    await fakerLoaded;
    // Tags carry the run's key and the scope's number in the run: short, and unique without a shared counter.
    const tagScope = scopeTag(scopeNumber);
    const session = new FactorySession({
      db: testSchema.db,
      runId: config.runId,
      tag: new Tagger(config.runKey, tagScope),
      seed: deriveSeed(config.seed, label),
      label,
    });
    writeJournal(config.runDir, { ...opened, tagScope, schema: testSchema.name, schemaFrom: testSchema.origin });
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await sandboxStarted;
    } catch (error) {
      await testSchema.teardown().catch(() => {});
      throw error;
    }
    const runtime = new ScopeRuntime(config, scope, label, testSchema, session, opened.openedAt, sandbox);
    // runtag's pool for the first test logs in to the sandbox and fetches postgres.js's types (~5–15 ms) while Vitest imports the test file.
    if (sandbox) runtime.sandboxPool(sandbox.firstTestUrl)`select 1`.catch(() => {});
    return runtime;
  }

  /**
   * The scope's database as a URL, for code runtag does not own (the app's own `db` module, its
   * server): the scope's role, its schema first on search_path, and an application_name that names
   * the scope (`runtag:<run>:app-<scope>`), so `runtag runs` and pg_stat_activity can tell them.
   */
  get databaseUrl(): string {
    // In isolation "transaction", the sandbox's: with the same role, schema and name, its connections join the running test's transaction.
    return this.sandbox?.url ?? this.testSchema.connectionUrl;
  }

  /** Drizzle on the scope's own pool (not a test's transaction), typed from (and with `db.query` for) the schema (drizzle-orm 1.0: the relations). */
  dbFor<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
    query: DrizzleQueryConfig,
  ): RuntagDatabase<TSchema, TRelations> {
    return this.dbs.for(query) as RuntagDatabase<TSchema, TRelations>;
  }

  /**
   * Drizzle for a `db` that outlives tests (Playwright's worker-scoped one), typed as dbFor's: in
   * isolation "transaction" on runtag's pool on the sandbox's shared URL, so what it writes during a
   * test joins that test's transaction (tests of a worker run one at a time) and what it writes
   * between tests is committed, as a worker fixture's rows; on the scope's own pool otherwise.
   */
  scopeDbFor<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
    query: DrizzleQueryConfig,
  ): RuntagDatabase<TSchema, TRelations> {
    if (!this.sandbox) return this.dbFor<TSchema, TRelations>(query);
    return this.sandboxDbs.for(query) as RuntagDatabase<TSchema, TRelations>;
  }

  /**
   * Drizzle on node-postgres for this scope (its role, its schema first on search_path), typed from
   * `schema`: for code typed `NodePgDatabase`. In isolation "transaction" it connects through the
   * sandbox, so its writes join the running test's transaction.
   */
  async nodePgDbFor<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
    query: DrizzleQueryConfig,
    /** A test's own URL (TestScope.databaseUrl); the scope's by default. */
    url: string = this.databaseUrl,
  ): Promise<DatabaseOf<'pg', TSchema, TRelations>> {
    let pool = this.nodePg.get(url);
    if (!pool) {
      pool = NodePgScopePool.open(url, this.config.poolSize);
      this.nodePg.set(url, pool);
    }
    return (await pool).dbFor<TSchema, TRelations>(query);
  }

  /** The scope's node-postgres pools, if any were opened: query budgets listen to them too. */
  nodePgPools(): Promise<NodePgScopePool[]> {
    return Promise.all(this.nodePg.values());
  }

  /**
   * Begin a test: its own factory session (the scope's tag sequence, a seed from the test's name)
   * and, in isolation "transaction", its own transaction on a connection reserved from the scope's
   * pool, so tests running at the same time never share one. `db`, the factories and the session
   * write through it until `end()` rolls it back.
   */
  async beginTest(label: string, seedKey: string = label, seed: number = this.session.seed): Promise<TestScope> {
    let transaction: TestTransaction | undefined;
    if (this.config.isolation === 'transaction') {
      this.probe ??= EscapeProbe.of(this.testSchema.sql, this.testSchema.name);
      // What the file's own hooks committed is its business; only what appears during the test is checked
      // (the transaction reads what was committed before it began, in BEGIN's round trip).
      transaction = await TestTransaction.begin(this.sandbox!, label, (url) => this.sandboxPool(url), await this.probe);
    }
    // No savepoint per factory insert: the sandbox already runs each statement in one of its own.
    const session = this.openSession({ seed, label, db: transaction?.db });
    session.reseed(seedKey);
    const test = new TestScope(
      label,
      session,
      transaction,
      transaction?.url ?? this.databaseUrl,
      (query) => this.dbFor(query),
      (ended) => this.endTest(ended),
    );
    this.runningTests.add(test);
    return test;
  }

  /** The scope's connections were ended on purpose (terminateConnections): recover them when the running test ends. */
  markPoolDisrupted(): void {
    this.poolDisrupted = true;
  }

  /**
   * A test ended. In isolation "transaction" it is rolled back; what the escape probe still finds
   * changed was committed on another connection: the test fails, saying so. Rows inserted are
   * deleted again where nothing the file had before was lost, so the next test starts as the
   * file's hooks left it; rows deleted or updated cannot be brought back, and the message says so.
   */
  private async endTest(test: TestScope): Promise<void> {
    this.runningTests.delete(test);
    if (this.poolDisrupted) {
      this.poolDisrupted = false;
      await recoverPool(this.testSchema.sql);
    }
    const transaction = test.transaction;
    if (!transaction) return;
    const { escapes, before: snapshot } = await transaction.rollbackAndProbe();
    test.session.tracker.forget();
    const internal = this.sandbox?.takeInternalErrors() ?? [];
    if (internal.length > 0) throw internal.length === 1 ? internal[0]! : new RuntagAggregateError(internal);
    if (escapes.length === 0) return;
    const before = snapshot!;
    const probe = await this.probe!;
    const removal = probe.removalQuery(before, escapes);
    let removed = 0;
    let removalFailed: Error | undefined;
    if (removal) {
      try {
        removed = probe.parseRemoved(await this.testSchema.sql.unsafe(removal));
      } catch (error) {
        removalFailed = error as Error;
      }
    }
    throw new RuntagError('COMMITTED_OUTSIDE_TRANSACTION', escapeMessage(test.label, escapes, removed, removalFailed));
  }

  /** runtag's own pool on one of the sandbox's URLs. */
  private sandboxPool(url: string): Sql {
    let pool = this.sandboxPools.get(url);
    if (!pool) {
      pool = connect(url, { max: this.config.poolSize, idleTimeout: 0 });
      this.sandboxPools.set(url, pool);
    }
    return pool;
  }

  /** The postgres.js pools runtag's `db` and factories send through: query budgets count what they send. */
  statementPools(): Sql[] {
    return [this.testSchema.sql, ...this.sandboxPools.values()];
  }

  /** A test of this scope took `ms` (hooks included): kept for the run's summary when over the budget. */
  recordTestTime(test: string, ms: number): void {
    const budget = this.config.testTimeBudgetMs;
    if (budget > 0 && ms > budget) this.slowTests.push({ test, ms: Math.round(ms) });
  }

  /**
   * Another session on this scope: it continues the scope's tag sequence (values stay unique)
   * but tracks only its own rows. Its rows count towards the scope's totals.
   */
  openSession(options: { seed: number; label: string; db?: FactorySession['db'] | undefined; inTransaction?: boolean }): FactorySession {
    const session = new FactorySession({ tag: this.session.tag, runId: this.config.runId, ...options, db: options.db ?? this.testSchema.db });
    this.extraSessions.push(session);
    return session;
  }

  /**
   * Clean up, verify, tear down; never throws, the report carries the error.
   *
   * A file's own schema (isolation "schema" and "transaction") is dropped, not cleaned and scanned:
   * nothing outside the file reads it, and dropping what its role owns removes every row in it,
   * however it was written. Cleaning and scanning it first cost ~100–200 ms a file for nothing. In
   * the shared schema the file's rows are deleted and its tags looked for, since others read there.
   */
  async close(): Promise<ScopeReport> {
    const errors: Error[] = [];
    // A test still running when its scope closes (a runner that stopped mid-test): end it first.
    for (const test of [...this.runningTests]) await test.end().catch((e: Error) => errors.push(e));
    // The scope's own node-postgres pool (driver 'pg'). The app's connections through the scope's URL are not ended here:
    // an app's pool without an 'error' listener would crash on it; they end with the file's worker (a process or thread
    // of its own per file in Vitest's forks and threads pools), and dropping the role does not wait for them.
    for (const pool of this.nodePg.values()) await pool.then((p) => p.end()).catch((e: Error) => errors.push(e));
    for (const pool of this.sandboxPools.values()) await pool.end({ timeout: 1 }).catch((e: Error) => errors.push(e));
    // Before the schema is dropped: the sandbox's server connections hold the test's locks until they close.
    await this.sandbox?.close();
    const { leaks, deferred } = this.testSchema.mode === 'shared' ? await this.cleanSharedRows(errors) : { leaks: [], deferred: [] };
    let schemaDropped = false;
    let schemaHandedBack = false;
    if (!(this.config.keepLeaks && leaks.length > 0)) {
      ({ dropped: schemaDropped, handedBack: schemaHandedBack } = await this.testSchema
        .teardown()
        .catch((e: Error) => (errors.push(e), { dropped: false, handedBack: false })));
    }
    const sessions = [this.session, ...this.extraSessions];
    const journal: ScopeJournal = {
      scope: this.scope,
      tagScope: this.session.tag.scope,
      label: this.label,
      schema: this.testSchema.name,
      schemaFrom: this.testSchema.origin,
      schemaCreated: this.testSchema.mode === 'schema',
      schemaDropped,
      schemaHandedBack,
      rowsCreated: sessions.reduce((n, session) => n + session.tracker.createdCount, 0),
      // Rows in a dropped schema go with it (a handed-back one is dropped by the pool right after).
      rowsCleaned: sessions.reduce((n, session) => n + (schemaDropped || schemaHandedBack ? session.tracker.createdCount : session.tracker.cleanedCount), 0),
      leaks,
      deferred,
      slowTests: this.slowTests,
      pid: process.pid,
      openedAt: this.openedAt,
      closedAt: Date.now(),
    };
    writeJournal(this.config.runDir, journal);
    const error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : new RuntagAggregateError(errors);
    return { ...journal, error };
  }

  /** The shared schema: delete the rows this file's factories created, then look for any row still carrying its tags. */
  private async cleanSharedRows(errors: Error[]): Promise<{ leaks: RowLeak[]; deferred: ScopeJournal['deferred'] }> {
    // The tests' sessions first, newest first: their rows may reference what the file's hooks created.
    for (const session of [...this.extraSessions].reverse()) await session.cleanup().catch((e: Error) => errors.push(e));
    await this.session.cleanup().catch((e: Error) => errors.push(e));
    try {
      // The scope's own pool: the verifier's queries are schema-qualified, and no connection beyond the budget is opened.
      const verifier = new LeakVerifier(this.testSchema.sql, this.config.runKey);
      const tagScope = this.session.tag.scope;
      const found = await verifier.findRows(this.testSchema.name, tagScope, this.config.sharedCatalog);
      const leaks = found.filter((leak) => leak.count > 0);
      // Rows other scopes' rows still reference are not this file's leak: the run removes them at its end.
      const deferred = found.flatMap((leak) => leak.heldKeys.map((key) => ({ table: leak.table, key })));
      if (leaks.length > 0) {
        errors.push(new LeakError({ runId: this.config.runId, rows: leaks, schemas: [] }, new Map([[tagScope, this.label]])));
        if (!this.config.keepLeaks) await verifier.deleteRows(this.testSchema.name, tagScope);
      }
      return { leaks, deferred };
    } catch (e) {
      errors.push(e as Error);
      return { leaks: [], deferred: [] };
    }
  }
}

/** What COMMITTED_OUTSIDE_TRANSACTION says: the test, each table's counts, what runtag did about them, and what to do. */
function escapeMessage(label: string, escapes: readonly Escape[], removed: number, removalFailed: Error | undefined): string {
  const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;
  const counts = (e: Escape) =>
    [
      e.inserted > 0 ? `${rows(e.inserted)} inserted or updated` : '',
      e.lostOrChanged > 0 ? `${rows(e.lostOrChanged)} of those there before the test deleted or updated` : '',
    ]
      .filter(Boolean)
      .join(', ');
  const names = (list: readonly Escape[]) => list.map((e) => `"${e.table}"`).join(', ');
  const cleaned = restorable(escapes);
  const lost = escapes.filter((e) => e.lostOrChanged > 0);
  const done: string[] = [];
  if (cleaned.length > 0) {
    done.push(
      removalFailed
        ? `runtag could not remove the rows inserted in ${names(cleaned)} (${removalFailed.message}): later tests of this file see them.`
        : `runtag removed the ${rows(removed)} inserted in ${names(cleaned)}, so the next test starts as the file's hooks (beforeAll) left them.`,
    );
  }
  if (lost.length > 0) {
    done.push(
      `runtag could not restore ${lost.map((e) => `${rows(e.lostOrChanged)} in "${e.table}"`).join(', ')}: it left ${lost.length === 1 ? 'that table' : 'those tables'} as ${lost.length === 1 ? 'it is' : 'they are'} ` +
        '(deleting the new rows there would lose the updated ones too), so later tests of this file see the change. ' +
        'Create such rows in a beforeEach instead of beforeAll, or run this file in isolation "schema".',
    );
  }
  return (
    `runtag: "${label}" wrote rows that were committed on a connection outside the test's transaction, so its rollback did not undo them: ` +
    `${escapes.map((e) => `"${e.table}": ${counts(e)}`).join('; ')}. That connection did not go through the file's sandbox: it was opened ` +
    'with a URL of its own (not DATABASE_URL as runtag set it, nor the databaseUrl fixture), or by a process started with another URL. Give the code ' +
    "under test the URL runtag sets, so its connections join the test's transaction; for code that must commit on a server connection of its own " +
    `(another service, a second database), use isolation "schema". ${done.join(' ')}`
  );
}
