import { RuntagError } from '../errors/runtag-error.js';
import type { RunConfig } from '../lifecycle/run-config.js';
import { assertRunId } from '../run/run-id.js';
import { RUN_CONFIG_ENV, type Env } from '../options/option-list.js';
import { readVariable } from '../options/resolve-options.js';

/**
 * Playwright's global setup runs in the main process and its workers are other processes, started
 * after it with the environment it left: the only channel between them. So the run's config, and
 * nothing else, travels as JSON in RUNTAG_CONFIG, written here and read back below. Returns the
 * withdrawal, for the run's end.
 */
export function handOffRunConfig(config: RunConfig, env: NodeJS.ProcessEnv = process.env): () => void {
  env[RUN_CONFIG_ENV] = JSON.stringify(config);
  return () => {
    delete env[RUN_CONFIG_ENV];
  };
}

/** In a Playwright worker: the run's config its global setup handed over. */
export function runConfigFromEnv(env: Env = process.env): RunConfig {
  const raw = readVariable(env, RUN_CONFIG_ENV);
  if (!raw) {
    throw new RuntagError(
      'NO_GLOBAL_SETUP',
      `runtag: ${RUN_CONFIG_ENV} is not set, so this Playwright worker does not know the run's database. ` +
        "Add runtag's global setup to playwright.config: globalSetup: 'runtag/playwright/global-setup' " +
        '(or a file that default-exports runtagGlobalSetup({ ... })).',
    );
  }
  let config: RunConfig;
  try {
    config = JSON.parse(raw) as RunConfig;
  } catch {
    throw new RuntagError(
      'INVALID_RUN_CONFIG',
      `runtag: ${RUN_CONFIG_ENV} is not valid JSON. It is written by runtag's Playwright global setup; do not set it by hand.`,
    );
  }
  assertRunId(String(config.runId), `${RUN_CONFIG_ENV}.runId`);
  return config;
}
