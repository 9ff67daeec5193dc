/**
 * examples/notes-app end to end, as its own process: Chromium against a copy of the app per worker
 * (2 workers), started by runtag on the worker's database, in isolation "shared", "schema" and
 * "transaction" (the app's server on the worker's sandbox: each test's writes, the app's included,
 * rolled back at its end), on node-postgres and on postgres.js. The app's rows are never tracked by
 * hand; after each run nothing of it is left on the server: no schema, role, registry entry or
 * tagged row, no process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/registry/run-history.js';
import { appServerProcesses, startChildPlaywright } from '../support/child-playwright.js';
import { leftoversOf, NOTHING_LEFT } from '../support/leftovers.js';
import { ownServer } from '../support/own-server.js';
import { testTempDir } from '../support/temp-dir.js';

const own = ownServer('notes-e2e');

describe.each([
  ['pg', 'shared'],
  ['pg', 'schema'],
  ['postgres-js', 'schema'],
  ['postgres-js', 'shared'],
  // The app on postgres.js in the sandbox is the Vitest projects' (notes-postgres-js-transaction): one browser run is enough here.
  ['pg', 'transaction'],
] as const)('the notes app on %s, isolation %s', (driver, isolation) => {
  it('passes in Chromium on 2 workers, each with its own app server, and leaves nothing', async () => {
    const summaryFile = join(testTempDir('runtag-notes-e2e-'), 'summary.json');
    const { code, output } = await startChildPlaywright('test/apps/notes-app.playwright.config.ts', [], {
      DATABASE_URL: own.db.url,
      RUNTAG_ISOLATION: isolation,
      RUNTAG_SUMMARY_FILE: summaryFile,
      NOTES_DB_DRIVER: driver,
    }).done;
    expect(code, output).toBe(0);
    // rollback.spec.ts's second test counts every row of the app's database: not in the shared schema, where the other worker's are too.
    expect(output).toMatch(isolation === 'shared' ? /\b12 passed\b[\s\S]*\b1 skipped\b|\b1 skipped\b[\s\S]*\b12 passed\b/ : /\b13 passed\b/);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    expect(summary).toMatchObject({ isolation, files: 2, leaks: [], problems: [], setupFailures: [] });
    expect(summary.peakConcurrency).toBe(2);
    // Rows the factories made, and in isolation "shared" also the app's own rows hanging off them, were deleted.
    expect(summary.rowsCleaned).toBeGreaterThanOrEqual(summary.rowsCreated);
    expect(await leftoversOf(own.db.sql, [{ runId: summary.runId, runKey: summary.runKey }])).toEqual(NOTHING_LEFT);
    expect(await own.userDataUnchanged()).toBe(true);
    expect(appServerProcesses(summary.runId)).toEqual([]);
  });
});
