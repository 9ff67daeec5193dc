import type { DrizzleQueryConfig, RuntagDatabase } from '../db/drizzle-db.js';
import type { FactorySession } from '../factory/session.js';
import type { TestTransaction } from '../isolation/test-transaction.js';

/**
 * One running test of a scope: its factory session and, in isolation "transaction", its own
 * transaction. Made by `ScopeRuntime.beginTest` and handed to the runner's adapter, which keeps it
 * with the test (never in module state), so tests that run at the same time (`test.concurrent`) each
 * have their own: A's end cannot roll back B's transaction.
 */
export class TestScope {
  private ended: Promise<void> | undefined;

  constructor(
    /** "test/users.test.ts > signs up": how reports name the test. */
    readonly label: string,
    /** The test's factory session: what `new TestUserFactory()` and the `session` fixture use during the test. */
    readonly session: FactorySession,
    /** The test's transaction (isolation "transaction"); none otherwise. */
    readonly transaction: TestTransaction | undefined,
    /**
     * The test's database as a URL: in isolation "transaction" the sandbox's listener for this
     * test's transaction (what to hand code under test when tests run concurrently), else the scope's.
     */
    readonly databaseUrl: string,
    /** The file's Drizzle for a schema, when the test has no transaction of its own. */
    private readonly fileDb: <TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
      query: DrizzleQueryConfig,
    ) => RuntagDatabase<TSchema, TRelations>,
    private readonly finish: (test: TestScope) => Promise<void>,
  ) {}

  /** Drizzle for this test, typed from the schema (drizzle-orm 1.0: the relations): its transaction's, or the file's. */
  dbFor<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
    query: DrizzleQueryConfig,
  ): RuntagDatabase<TSchema, TRelations> {
    return this.transaction ? this.transaction.dbFor<TSchema, TRelations>(query) : this.fileDb<TSchema, TRelations>(query);
  }

  /** End the test: roll its transaction back and check for commits outside it. Once; later calls wait for the first. */
  end(): Promise<void> {
    this.ended ??= this.finish(this);
    return this.ended;
  }
}
