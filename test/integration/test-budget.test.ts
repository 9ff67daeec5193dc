/**
 * The per-test time budget: tests over it are listed in the run's summary and closing lines, and
 * the run still passes (a budget is reported, never asserted by wall clock).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import type { RunSummary } from '../../src/registry/run-history.js';
import { runFixtureSuite } from '../support/child-run.js';
import { testTempDir } from '../support/temp-dir.js';

const FILE = 'test/fixtures/budget/budget.fixture.ts';

function run(env: Record<string, string>): { status: number | null; output: string; summary: RunSummary } {
  const summaryFile = join(testTempDir('runtag-summary-'), 'summary.json');
  const child = runFixtureSuite(inject('runtag').databaseUrl, [FILE], { RUNTAG_SUMMARY_FILE: summaryFile, ...env });
  return { ...child, summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary };
}

it('lists the tests over the budget, slowest first, and passes the run', () => {
  const { status, output, summary } = run({ RUNTAG_TEST_BUDGET_MS: '300' });
  expect(status, output).toBe(0);
  expect(summary.testTimeBudgetMs).toBe(300);
  expect(summary.slowTests).toContainEqual({ file: FILE, test: 'a slow test', ms: expect.any(Number) });
  for (const slow of summary.slowTests) expect(slow.ms).toBeGreaterThan(300);
  expect(summary.slowTests.find((t) => t.test === 'a slow test')!.ms).toBeGreaterThanOrEqual(400);
  expect(output).toMatch(
    /runtag: \d+ test\(s\) over the 300 ms budget \(reported, not failed\):\n\s+\d+\.\d\d s {2}test\/fixtures\/budget\/budget\.fixture\.ts > a slow test/,
  );
}, 120_000);

it('0 lists none; a bad budget fails the run before any test, naming the setting', () => {
  expect(run({ RUNTAG_TEST_BUDGET_MS: '0' }).summary.slowTests).toEqual([]);
  const bad = runFixtureSuite(inject('runtag').databaseUrl, [FILE], { RUNTAG_TEST_BUDGET_MS: 'soon' });
  expect(bad.status).not.toBe(0);
  expect(bad.output).toMatch(/test time budget must be a number of milliseconds ≥ 0 .*got "soon" \(from RUNTAG_TEST_BUDGET_MS/);
}, 120_000);
