import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import type { RuntagOptions } from '../lifecycle/run-config.js';
import { describeRunEnd, startRun } from '../lifecycle/run-lifecycle.js';
import { publishRunConfig, withdrawRunConfig } from './run-config-env.js';

export interface PlaywrightRuntagOptions extends RuntagOptions {
  /** Where `migrations/` and test file paths are resolved from; defaults to the nearest package.json above the config. */
  root?: string;
}

/**
 * A Playwright globalSetup: start (or reach) the database, create the run id, hand the run's
 * config to workers; the returned teardown checks the whole run for leaks and stops the database.
 *
 * e2e defaults to `shared` isolation: the app under test serves one schema, and tags keep tests apart.
 * RUNTAG_ISOLATION overrides the option.
 */
export function runtagGlobalSetup(options: PlaywrightRuntagOptions = {}): (config: FullConfig) => Promise<() => Promise<void>> {
  return async function globalSetup(config) {
    // Shards on identical CI machines would otherwise be able to create the same run id.
    if (config.shard) process.env.RUNTAG_SHARD = `${config.shard.current}/${config.shard.total}`;
    const { root, ...runOptions } = options;
    // An empty RUNTAG_ISOLATION means unset, as everywhere.
    if ((process.env.RUNTAG_ISOLATION || runOptions.isolation) === 'transaction') {
      throw new Error(
        'runtag: isolation "transaction" cannot work with Playwright: the app under test writes on its own connections, in another process, ' +
          'and no test transaction can hold them. Use isolation "shared" (the default for Playwright) or "schema".',
      );
    }
    const run = await startRun({
      isolation: 'shared',
      ...runOptions,
      root: root ?? projectRoot(config),
      workers: config.workers,
    });
    publishRunConfig(run.config);
    return async () => {
      withdrawRunConfig();
      // Throws LeakError, which Playwright reports and turns into a failed run.
      const summary = await run.finish();
      if (process.env.RUNTAG_QUIET !== '1') console.log(describeRunEnd(summary));
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
