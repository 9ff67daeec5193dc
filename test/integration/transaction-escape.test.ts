import { inject, expect, it } from 'vitest';
import { runFixtureSuite } from '../support/child-run.js';

it('isolation "transaction": a commit on another connection fails its test, says why and what to do, and the next test starts clean', () => {
  const run = runFixtureSuite(inject('runtag').databaseUrl, ['test/fixtures/transaction/escape.fixture.ts'], { RUNTAG_ISOLATION: 'transaction' });
  expect(run.status, run.output).toBe(1);
  expect(run.output).toMatch(/1 failed \| 1 passed/);
  expect(run.output).toMatch(/> writes through a connection of its own" left rows in "users" after its transaction was rolled back/);
  expect(run.output).toMatch(/write through the `db` fixture and the factories .* use isolation "schema"/);
  // The rows were the file's, in its own schema: emptied, nothing leaked past the run.
  expect(run.output).toMatch(/no leaks\./);
}, 120_000);
