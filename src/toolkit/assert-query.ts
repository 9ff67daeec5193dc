import { runQueryReport, type QueryReportOptions, type SnapshotQuery } from './query-report.js';

export interface AssertQueryOptions extends QueryReportOptions {
  /** Names the snapshot (`toMatchSnapshot(hint)`), for tests that assert several queries. */
  hint?: string;
  /**
   * The test's own `expect`: needed in `test.concurrent` (Vitest's rule for snapshots) and from
   * Playwright (its expect matches a string snapshot by `hint`); default: Vitest's `expect`, loaded
   * when first needed, so the toolkit loads no runner of its own.
   */
  expect?: Expect;
}

/** The part of Vitest's `expect` assertQuery uses (so the main entry's types do not need Vitest's). */
type Expect = (actual: unknown) => { toMatchSnapshot(hint?: string): void };

/**
 * Run a Drizzle query and match its report (SQL, parameters, result table; see `queryReport`)
 * against the test's snapshot file. Resolves to the query's result, so the test can go on with it:
 *
 *   const [user] = await assertQuery(db.select().from(users).where(eq(users.id, id)));
 *
 * A file snapshot: Vitest writes inline snapshots where `toMatchInlineSnapshot` is called, which
 * would be here. Inline: `expect(await queryReport(query)).toMatchInlineSnapshot()`.
 */
export async function assertQuery<TResult>(query: SnapshotQuery<TResult>, options: AssertQueryOptions = {}): Promise<TResult> {
  const { hint, expect: given, ...reportOptions } = options;
  const expect = given ?? ((await import('vitest')).expect as Expect);
  const { report, result } = await runQueryReport(query, reportOptions);
  if (hint === undefined) expect(report).toMatchSnapshot();
  else expect(report).toMatchSnapshot(hint);
  return result;
}
