import { inject, expect, it } from 'vitest';
import { runFixtureSuite } from '../support/child-run.js';

const run = (fixture: string) => runFixtureSuite(inject('runtag').databaseUrl, [`test/fixtures/transaction/${fixture}`], { RUNTAG_ISOLATION: 'transaction' });

it('isolation "transaction": a row committed on another connection into a table beforeAll filled fails its test, says so, and is removed for the next test', () => {
  const result = run('escape.fixture.ts');
  expect(result.status, result.output).toBe(1);
  // The next test saw exactly beforeAll's one user, not two.
  expect(result.output).toMatch(/1 failed \| 1 passed/);
  expect(result.output).toMatch(
    /> writes through a connection of its own" wrote rows that were committed on a connection outside the test's transaction, so its rollback did not undo them: "users": 1 row inserted or updated\./,
  );
  expect(result.output).toMatch(/did not go through the file's sandbox.* use isolation "schema"/);
  expect(result.output).toMatch(/runtag removed the 1 row inserted in "users", so the next test starts as the file's hooks \(beforeAll\) left them\./);
  expect(result.output).toMatch(/no leaks\./);
}, 120_000);

it('isolation "transaction": an update or a delete of beforeAll\'s row on another connection is reported as not restorable, and left as it is', () => {
  const result = run('escape-lost.fixture.ts');
  expect(result.status, result.output).toBe(1);
  expect(result.output).toMatch(/2 failed \| 2 passed/);
  expect(result.output).toMatch(
    /> updates beforeAll's row on a connection of its own" wrote rows .* did not undo them: "users": 1 row inserted or updated, 1 row of those there before the test deleted or updated\./,
  );
  expect(result.output).toMatch(
    /> deletes beforeAll's row on a connection of its own" wrote rows .* did not undo them: "users": 1 row of those there before the test deleted or updated\./,
  );
  expect(result.output).toMatch(
    /runtag could not restore 1 row in "users": it left that table as it is .* Create such rows in a beforeEach instead of beforeAll, or run this file in isolation "schema"\./,
  );
  expect(result.output).not.toMatch(/runtag removed/);
  expect(result.output).toMatch(/no leaks\./);
}, 120_000);
