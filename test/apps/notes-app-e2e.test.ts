/**
 * examples/notes-app end to end, as its own process: Chromium against a copy of the app per worker
 * (2 workers), started by runtag on the worker's database, in isolation "shared" and "schema", on
 * node-postgres and on postgres.js. The app's rows are never tracked by hand; after each run
 * nothing of it is left on the server: no schema, role, registry entry or tagged row, no process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type DatabaseServer } from '../../src/db/server.js';
import type { RunSummary } from '../../src/registry/run-history.js';
import { appServerProcesses, startChildPlaywright } from '../support/child-playwright.js';
import { leftoversOf, NOTHING_LEFT, plantUserData } from '../support/leftovers.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { testTempDir } from '../support/temp-dir.js';

let server: DatabaseServer;
let db: ScratchDatabase;
let checksum: () => Promise<string>;
let original: string;

beforeAll(async () => {
  server = await startDatabase({ label: `notes-e2e-${process.pid}` });
  db = await createScratchDatabase(server.url, 'notes_e2e');
  checksum = await plantUserData(db.sql);
  original = await checksum();
}, 60_000);

afterAll(async () => {
  await db?.drop();
  await server?.stop();
});

describe.each([
  ['pg', 'shared'],
  ['pg', 'schema'],
  ['postgres-js', 'schema'],
  ['postgres-js', 'shared'],
] as const)('the notes app on %s, isolation %s', (driver, isolation) => {
  it('passes in Chromium on 2 workers, each with its own app server, and leaves nothing', async () => {
    const summaryFile = join(testTempDir('runtag-notes-e2e-'), 'summary.json');
    const { code, output } = await startChildPlaywright('test/apps/notes-app.playwright.config.ts', [], {
      DATABASE_URL: db.url,
      RUNTAG_ISOLATION: isolation,
      RUNTAG_SUMMARY_FILE: summaryFile,
      NOTES_DB_DRIVER: driver,
    }).done;
    expect(code, output).toBe(0);
    expect(output).toMatch(/\b10 passed\b/);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    expect(summary).toMatchObject({ isolation, files: 2, leaks: [], problems: [], setupFailures: [] });
    expect(summary.peakConcurrency).toBe(2);
    // Rows the factories made, and in isolation "shared" also the app's own rows hanging off them, were deleted.
    expect(summary.rowsCleaned).toBeGreaterThanOrEqual(summary.rowsCreated);
    expect(await leftoversOf(db.sql, [{ runId: summary.runId, runKey: summary.runKey }])).toEqual(NOTHING_LEFT);
    expect(await checksum()).toBe(original);
    expect(appServerProcesses(summary.runId)).toEqual([]);
  });
});
