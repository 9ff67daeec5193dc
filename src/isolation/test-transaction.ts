import type { Sql } from '../db/connect.js';
import { DrizzleInstances, drizzleOver, type DrizzleQueryConfig, type RuntagDatabase } from '../db/drizzle-db.js';
import { RuntagError } from '../errors/runtag-error.js';
import type { Sandbox, SandboxTest } from '../sandbox/sandbox.js';
import type { BeforeSnapshot, Escape, EscapeProbe } from './escape-probe.js';

/**
 * One test's transaction on the file's schema (isolation "transaction"), held by the scope's
 * sandbox: everything any connection of the scope writes during the test (runtag's `db` and
 * factories, the app's own pool, an app server in another process) is rolled back when it ends,
 * so the next test starts from the same state. A client's own transactions (`db.transaction()`,
 * BEGIN … COMMIT) become savepoints of it.
 *
 * runtag's own statements share the test's round trips: BEGIN and the escape probe's count of what
 * was committed before the test are sent without waiting, ahead of the test's first statement on
 * the same server connection, and the end is one round trip: ROLLBACK, then the probe's count of
 * what is committed now, which finds what a connection outside the sandbox committed meanwhile.
 */
export class TestTransaction {
  private ended = false;
  /** Drizzle on the test's URL, one per schema (or relations) object it is asked for (see `dbFor`). */
  private readonly dbs: DrizzleInstances<unknown>;
  /** Drizzle without a schema (no `db.query`): what the test's factory session writes through. */
  readonly db: RuntagDatabase<Record<string, never>>;

  private constructor(
    /** runtag's own pool on the test's URL: what `db` sends through. */
    readonly client: Sql,
    private readonly test: SandboxTest,
    private readonly probe: EscapeProbe | undefined,
  ) {
    this.db = drizzleOver(client);
    this.dbs = new DrizzleInstances<unknown>((query) => drizzleOver(client, query));
  }

  /** The test's own URL: the sandbox's listener for this test's server connection (tests that run at once each have their own). */
  get url(): string {
    return this.test.url;
  }

  /** Drizzle on this transaction, typed from (and with `db.query` for) the schema (drizzle-orm 1.0: the relations). */
  dbFor<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
    query: DrizzleQueryConfig,
  ): RuntagDatabase<TSchema, TRelations> {
    return this.dbs.for(query) as RuntagDatabase<TSchema, TRelations>;
  }

  /**
   * Begin a test's transaction in the sandbox. `clientFor` gives runtag's pool on a URL (one per
   * server connection of the sandbox, kept across tests). With a probe, what is committed is
   * counted in the same round trip as BEGIN.
   */
  static async begin(sandbox: Sandbox, label: string, clientFor: (url: string) => Sql, probe?: EscapeProbe): Promise<TestTransaction> {
    const test = await sandbox.beginTest(label, {
      before: probe?.beforeQuery,
      after: (rows) => (probe?.beforeQuery ? probe.afterQuery(probe.parseBefore(rows)) : undefined),
    });
    return new TestTransaction(clientFor(test.url), test, probe);
  }

  /** What was committed in the file's schema when the test began (the file's own hooks' rows, for instance), once BEGIN is done. */
  async committedBefore(): Promise<BeforeSnapshot | undefined> {
    const rows = await this.test.began;
    return this.probe?.beforeQuery ? this.probe.parseBefore(rows) : undefined;
  }

  /** Roll back everything the test's connections wrote, without the escape check. */
  async rollback(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.test.end();
  }

  /**
   * Roll back everything the test's connections wrote and count what is committed in the file's
   * schema now: rows written since the test began were committed outside the sandbox. Returns the
   * tables where that changed anything (none without a probe), and what was there before.
   */
  async rollbackAndProbe(): Promise<{ escapes: Escape[]; before: BeforeSnapshot | undefined }> {
    if (this.ended) throw new RuntagError('TRANSACTION_ENDED', 'runtag: the test transaction was already rolled back.');
    this.ended = true;
    const { before, after } = await this.test.end();
    if (!this.probe?.beforeQuery) return { escapes: [], before: undefined };
    const snapshot = this.probe.parseBefore(before);
    return { escapes: this.probe.compare(snapshot, after), before: snapshot };
  }
}
