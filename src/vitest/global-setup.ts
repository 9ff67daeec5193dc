import type { TestProject } from 'vitest/node';
import { describeRunEnd, startRun } from '../lifecycle/run-lifecycle.js';
import type { RunConfig, RuntagOptions } from '../lifecycle/run-config.js';

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
  const options = (project.getProvidedContext() as { runtagOptions?: RuntagOptions }).runtagOptions ?? {};
  const run = await startRun({
    ...options,
    root: project.config.root,
    workers: project.globalConfig.maxWorkers ?? project.config.maxWorkers,
    // Through Vite, so a seed data module may be TypeScript like the rest of the tests.
    importModule: (path) => project.import(path),
  });
  project.provide('runtag', run.config);
  return async () => {
    const summary = await run.finish();
    if (process.env.RUNTAG_QUIET !== '1') console.log(describeRunEnd(summary));
  };
}
