import type { TestProject } from 'vitest/node';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { RuntagError } from '../errors/runtag-error.js';
import { describeRunEnd, startRun, type RunOutcome } from '../lifecycle/run-lifecycle.js';
import type { RunConfig } from '../lifecycle/run-config.js';
import { resolveOptions } from '../options/resolve-options.js';
import type { RuntagOptions } from '../options/runtag-options.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** Set by runtag's globalSetup; read by its setup file. */
    runtag: RunConfig;
    /** Your choices for runtag, from `test.provide` in vitest.config. */
    runtagOptions: RuntagOptions;
  }
}

/**
 * Vitest globalSetup: start (or reach) the database, make the run id, hand both to workers;
 * at the end, check the whole run for leaks and stop the database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const provided = (project.getProvidedContext() as { runtagOptions?: RuntagOptions }).runtagOptions ?? {};
  // vitest --shard=2/4 is an explicit choice: the run says which shard it is (run ids, the registry, \`runtag runs\` merging a pipeline's shards).
  const shard = project.globalConfig.shard;
  const options = resolveOptions({ ...provided, ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}) });
  const run = await startRun({
    options,
    root: project.config.root,
    workers: workerCount(project),
    // Through Vite, so a seed data module may be TypeScript like the rest of the tests.
    importModule: (path) => project.import(path),
  });
  if (run.config.databaseUrlEnv.length > 0 && project.config.isolate === false) {
    await run.finish({ failed: true }).catch(() => {});
    throw new RuntagError(
      'OPTIONS_CONFLICT',
      `runtag: Vitest's isolate: false keeps a worker's modules from one test file to the next, so an app's module-level db made from ` +
        `${run.config.databaseUrlEnv.join(' / ')} would keep the first file's schema after runtag dropped it. Keep Vitest's default ` +
        'isolate: true, or tell runtag not to set the variable (then hand the `db` fixture to the code under test): ' +
        'provide: { runtagOptions: { databaseUrlEnv: [] } }.',
    );
  }
  project.provide('runtag', run.config);
  return async () => {
    let summary;
    try {
      summary = await run.finish(outcomeOf(project, run.scopeLabels()));
    } catch (error) {
      // Vitest only logs a globalSetup teardown's error ("error during close") and exits 0: a leak found at the run's end must fail the run.
      process.exitCode = 1;
      throw error;
    }
    // A file that failed to set up must fail the run whatever else Vitest decides.
    if (summary.setupFailures.length > 0) process.exitCode = 1;
    if (!options.quiet) console.log(describeRunEnd(summary));
  };
}

/**
 * The worker count Vitest uses: maxWorkers as configured (resolved: a percentage is a number by
 * now; fileParallelism: false makes it 1), else Vitest's own default (CPUs − 1 for a run, half
 * the CPUs in watch mode, at least 1).
 */
function workerCount(project: TestProject): number {
  const configured = [project.globalConfig.maxWorkers, project.config.maxWorkers].find((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1);
  if (configured !== undefined) return configured as number;
  const cpus = availableParallelism();
  return project.globalConfig.watch ? Math.max(Math.floor(cpus / 2), 1) : Math.max(cpus - 1, 1);
}

/**
 * How the project's files ended, as Vitest saw them: any failure, the files with errors outside
 * their tests, and the files that ran no test (all skipped or filtered out): their scope opened
 * when Vitest set them up, but their hooks never ran to close it.
 */
function outcomeOf(project: TestProject, served: ReadonlySet<string>): RunOutcome {
  const label = (file: { filepath: string }) => relative(project.config.root, file.filepath);
  // The project's own files, and those of other projects that opened their scopes in this run: Vitest 5
  // runs a root config's globalSetup once, for the root project, and the inline projects that inherit
  // it (5 makes them inherit the root config) run their files under that one run.
  const files = project.vitest.state
    .getFiles()
    .filter((file) => file.projectName === undefined || file.projectName === project.name || served.has(label(file)));
  return {
    failed: files.some((file) => file.result?.state === 'fail'),
    setupFailures: files.filter((file) => (file.result?.errors?.length ?? 0) > 0).map(label),
    filesNotRun: files.filter((file) => file.mode === 'skip' || file.mode === 'todo' || file.result?.state === 'skip').map(label),
  };
}
