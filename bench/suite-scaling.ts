/**
 * The example suite grown to 40 files (the 8 files of examples/demo, five times over), run by
 * Vitest with 1 worker and with 2, alternating, against the bench's server: how well runtag's
 * per-file work parallelises, and what it costs per file beyond the tests' own time.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const COPIES = 5;
const SUITE_DIR = 'bench/.suite';

export interface SuiteRun {
  workers: number;
  wallMs: number;
  files: number;
  /** Sum of the tests' own durations, as Vitest reports them. */
  testsMs: number;
}

export function measureSuiteScaling(url: string, rounds: number, log: (line: string) => void): SuiteRun[] {
  const config = writeSuite();
  const runs: SuiteRun[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const workers of round % 2 === 0 ? [1, 2] : [2, 1]) {
        const run = runSuite(url, config, workers);
        runs.push(run);
        log(`  suite: ${run.files} files, ${workers} worker(s): ${(run.wallMs / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    rmSync(SUITE_DIR, { recursive: true, force: true });
  }
  return runs;
}

function writeSuite(): string {
  rmSync(SUITE_DIR, { recursive: true, force: true });
  const files = readdirSync('examples/demo').filter((f) => f.endsWith('.test.ts'));
  for (let copy = 1; copy <= COPIES; copy++) {
    const dir = join(SUITE_DIR, `copy-${copy}`);
    mkdirSync(dir, { recursive: true });
    // One level deeper than examples/demo: the relative imports get one more `../`.
    for (const file of files) writeFileSync(join(dir, file), readFileSync(join('examples/demo', file), 'utf8').replaceAll("'../../", "'../../../"));
  }
  const config = join(SUITE_DIR, 'vitest.config.ts');
  writeFileSync(
    config,
    `import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    include: ['${SUITE_DIR}/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['./src/vitest/global-setup.ts'],
    setupFiles: ['./examples/setup.ts'],
  },
});
`,
  );
  return config;
}

function runSuite(url: string, config: string, workers: number): SuiteRun {
  const report = join(SUITE_DIR, `report-${workers}.json`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('RUNTAG_')));
  const start = performance.now();
  const child = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', config, '--maxWorkers', String(workers), '--reporter=json', '--outputFile', report],
    { env: { ...env, DATABASE_URL: url, RUNTAG_QUIET: '1' }, encoding: 'utf8', timeout: 600_000 },
  );
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`the 40-file suite failed with ${workers} worker(s):\n${child.stdout}\n${child.stderr}`);
  const results = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { assertionResults: { duration?: number }[] }[] };
  const testsMs = results.testResults.flatMap((f) => f.assertionResults).reduce((sum, t) => sum + (t.duration ?? 0), 0);
  return { workers, wallMs, files: results.testResults.length, testsMs };
}
