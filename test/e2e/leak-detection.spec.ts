import { expect, test } from '@playwright/test';
import { withConnection } from '../../src/db/connect.js';
import { runConfigFromEnv } from '../../src/playwright/index.js';
import { startChild } from '../support/child-run.js';

const LEAK_SUITE = 'test/fixtures/e2e-leak/playwright.config.ts';

/**
 * Playwright on the leaking suite in a child process, as a developer would run it from a shell: a
 * run of its own (none of this worker's runtag or Playwright state, see childEnv) that reuses this
 * run's database (no second PostgreSQL to start) under its own run id and its config's isolation mode.
 */
function runLeakSuite(root: string, databaseUrl: string) {
  return startChild('playwright', ['-c', LEAK_SUITE], { cwd: root, env: { DATABASE_URL: databaseUrl } }).done;
}

test('a test that leaves a row behind fails the run, and the report names its table and file only', async () => {
  test.setTimeout(120_000);
  const { root, databaseUrl } = runConfigFromEnv();
  const { code, output } = await runLeakSuite(root, databaseUrl);

  expect(code, output).toBe(1);
  expect(output).toMatch(/1 failed[\s\S]*leaks-a-user\.spec\.ts/);
  expect(output).toContain('1 passed');

  const reported = [...output.matchAll(/- table (\S+)\.(\S+): (\d+) row\(s\), e\.g\. \{"id":"([0-9a-f-]{36})"\}.*\(created by ([^)]*)\)/g)];
  expect(reported, output).toHaveLength(1);
  const [, schema, table, count, leakedId, createdBy] = reported[0]!;
  expect(table).toBe('users');
  expect(count).toBe('1');
  expect(createdBy).toBe('test/fixtures/e2e-leak/leaks-a-user.spec.ts › inserts a tagged user that no factory tracks');
  // The well-behaved file filled every table; none of its rows may be blamed.
  expect(output).not.toContain('cleans-up.spec.ts ›');
  expect(output).not.toMatch(/table \S+\.(bookings|children|instructor_profiles)/);
  // The run's closing line counts it, and nothing stood in the way of removing it.
  expect(output).toContain('1 leaked row(s)/schema(s) in 1 place(s), reported above.');
  expect(output).not.toContain('could not remove');

  // Reported, then deleted: the leaked row is gone from the database.
  const [left] = await withConnection(databaseUrl, (sql) => sql`select count(*)::int as n from ${sql(schema!)}.users where id = ${leakedId!}`);
  expect(left?.n).toBe(0);
});
