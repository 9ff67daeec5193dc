import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startVitest } from 'vitest/node';
import type { RunSummary } from '../../registry/run-history.js';
import type { RunIsolation, RuntagOptions } from '../../options/runtag-options.js';
import { RuntagError, type CodeOf } from '../../errors/runtag-error.js';
import { createOwnedTempDir, DEMO_DIR_PREFIX, reapLeftoverRunDirs } from '../../util/owned-temp-dir.js';

/** The demo's run failed before any test: a finding (exit 1), not a clean summary. */
export class DemoSetupError extends RuntagError {
  constructor(message: string) {
    super('DEMO_SETUP' satisfies CodeOf<'DemoSetupError'>, message);
  }
}

export interface DemoSummary extends RunSummary {
  tests: { passed: number; failed: number };
}

/** Run the example suite (examples/demo: 8 files, 2 workers) and summarise what runtag did. */
export async function runDemo(options: { json: boolean; isolation?: string }): Promise<DemoSummary> {
  reapLeftoverRunDirs();
  const dir = createOwnedTempDir(`${DEMO_DIR_PREFIX}${process.pid}-${Date.now().toString(36)}`);
  const summaryFile = join(dir, 'summary.json');
  // Vitest runs in this process: the options go to its global setup as the config's own would, and
  // --isolation is checked there like any option (a wrong one fails the run's setup, reported below).
  const runtagOptions: RuntagOptions = { summaryFile, quiet: true, isolation: options.isolation as RunIsolation | undefined };
  try {
    const vitest = await startVitest('test', [], {
      config: 'examples/vitest.config.ts',
      watch: false,
      reporters: options.json ? ['dot'] : ['default'],
      provide: { runtagOptions },
    });
    await vitest.close();
    const tests = vitest.state.getFiles().flatMap((file) => allTests(file));
    if (!existsSync(summaryFile)) {
      // The run's own end writes the summary: without one, the run failed to set up (Vitest printed why).
      throw new DemoSetupError(
        'runtag: the demo run failed to set up (the error above says why), so none of its tests ran and there is no summary to show. Fix what it names and run it again.',
      );
    }
    const run = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    return {
      ...run,
      tests: {
        passed: tests.filter((t) => t.result?.state === 'pass').length,
        failed: tests.filter((t) => t.result?.state === 'fail').length + vitest.state.getFiles().filter((f) => f.result?.state === 'fail').length,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface TaskLike {
  type: string;
  result?: { state?: string };
  tasks?: TaskLike[];
}
function allTests(task: TaskLike): TaskLike[] {
  return task.type === 'test' ? [task] : (task.tasks ?? []).flatMap(allTests);
}

export function formatDemoSummary(s: DemoSummary): string {
  const rows: [string, string | number][] = [
    ['run id', s.runId],
    ['isolation', s.isolation],
    ['workers', s.workers],
    ['files (most at once)', `${s.files} (${s.peakConcurrency}, in ${s.workerProcesses} processes)`],
    ['tests passed / failed', `${s.tests.passed} / ${s.tests.failed}`],
    ['schemas created / dropped', `${s.schemasCreated} / ${s.schemasDropped}`],
    ['rows created / cleaned', `${s.rowsCreated} / ${s.rowsCleaned}`],
    ...((s.setupFailures ?? []).length > 0 ? [['FAILED to set up', s.setupFailures.join(', ')] as [string, string]] : []),
    [
      'leaks',
      s.leaks.length === 0
        ? (s.setupFailures ?? []).length > 0
          ? 'none found in what ran'
          : 'none'
        : s.leaks.map((l) => `${l.where} (${l.count}, ${l.file ?? '?'})`).join('; '),
    ],
    ['wall time', `${(s.wallMs / 1000).toFixed(2)} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['runtag demo summary', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}
