import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { describeRunEnd, startRun } from '../lifecycle/run-lifecycle.js';
import { resolveOptions } from '../options/resolve-options.js';
import type { RuntagOptions } from '../options/runtag-options.js';
import { handOffRunConfig } from './worker-handoff.js';
import { RuntagError } from '../errors/runtag-error.js';
import type { AppServerOptions } from './app-server-options.js';
import { startSharedAppServer } from './shared-app-server.js';

export interface PlaywrightRuntagOptions extends RuntagOptions {
  /** Where `migrations/` and test file paths are resolved from; defaults to the nearest package.json above the config. */
  root?: string;
  /**
   * One app server for the whole run, for an app that cannot run once per worker (a fixed port, a
   * costly start): started after the database, on the shared schema (isolation "shared" only: not
   * "schema" nor "transaction"), with baseURL pointing at it in every worker. A copy per worker is createRuntagTest({ appServer }).
   * See docs/playwright.md.
   */
  appServer?: AppServerOptions;
}

/**
 * A Playwright globalSetup: start (or reach) the database, create the run id, hand the run's
 * config to workers; the returned teardown checks the whole run for leaks and stops the database.
 *
 * e2e defaults to `shared` isolation: the app under test serves one schema, and tags keep tests apart.
 * The options win over their variables (RUNTAG_ISOLATION, …), which win over that default.
 */
export function runtagGlobalSetup(options: PlaywrightRuntagOptions = {}): (config: FullConfig) => Promise<() => Promise<void>> {
  return async function globalSetup(config) {
    const { root, appServer, ...explicit } = options;
    // playwright --shard is an explicit choice; shards on identical CI machines would otherwise be able to create the same run id.
    const shard = config.shard ? { shard: `${config.shard.current}/${config.shard.total}` } : {};
    const resolved = resolveOptions({ ...explicit, ...shard }, process.env, { isolation: 'shared' });
    // Each worker's sandbox holds that worker's running test; one server for all workers would send every worker's requests into one of them.
    if (appServer && resolved.isolation === 'transaction') {
      throw new RuntagError(
        'UNSUPPORTED_ISOLATION',
        'runtag: isolation "transaction" cannot work with one app server for the whole run (runtagGlobalSetup({ appServer })): each worker\'s tests run in ' +
          "transactions of that worker's sandbox, and one server's connections cannot follow the test of every worker at once. Start a copy of the app per worker, " +
          'on the worker\'s sandbox: createRuntagTest({ schema, appServer: { command: ... } }); or use isolation "shared" with the one server.',
      );
    }
    const run = await startRun({ options: resolved, root: root ?? projectRoot(config), workers: config.workers });
    let shared;
    try {
      shared = appServer ? await startSharedAppServer(appServer, run.config, config) : undefined;
    } catch (error) {
      await run.finish({ failed: true }).catch(() => {});
      throw error;
    }
    // Workers are other processes, started after this with the environment it leaves: the one handoff through a variable.
    const withdraw = handOffRunConfig(shared ? { ...run.config, sharedAppServer: shared.handoff } : run.config);
    return async () => {
      withdraw();
      // Before the run's end: the app's connections close before the final check.
      await shared?.server.stop();
      // Throws LeakError, which Playwright reports and turns into a failed run.
      const summary = await run.finish();
      if (!resolved.quiet) console.log(describeRunEnd(summary));
    };
  };
}

export default runtagGlobalSetup();

function projectRoot(config: FullConfig): string {
  const start = config.configFile ? dirname(config.configFile) : config.rootDir;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}
