import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import type { DemoSummary } from '../../src/cli/commands/demo-run.js';
import { childEnv } from '../support/child-run.js';

it('`npm run demo -- --json` runs 8 files on 2 workers and ends with one JSON summary line', () => {
  // As from a shell: none of this worker's Vitest or runtag variables, nor the DATABASE_URL runtag set for this test file.
  const run = spawnSync('npm', ['run', '--silent', 'demo', '--', '--json'], { env: childEnv(), encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  const lastLine = run.stdout.trim().split('\n').at(-1)!;
  const summary = JSON.parse(lastLine) as DemoSummary;
  expect(summary).toMatchObject({
    workers: 2,
    files: 8,
    tests: { passed: 10, failed: 0 },
    schemasCreated: 8,
    schemasDropped: 8,
    leaks: [],
  });
  expect(summary.runId).toMatch(/^[0-9a-z]{8}-/);
  // Files really overlapped: two at a time, in separate processes.
  expect(summary.peakConcurrency).toBe(2);
  expect(summary.workerProcesses).toBeGreaterThanOrEqual(2);
  expect(summary.rowsCreated).toBeGreaterThan(2500);
  expect(summary.rowsCleaned).toBe(summary.rowsCreated);
  expect(summary.wallMs).toBeGreaterThan(0);
}, 120_000);
