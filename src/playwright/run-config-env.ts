import type { RunConfig } from '../lifecycle/run-config.js';
import { assertRunId } from '../run/run-id.js';

/**
 * Playwright starts workers after globalSetup and copies the environment globalSetup left,
 * so the run's config travels as JSON in this variable.
 */
export const RUN_CONFIG_ENV = 'RUNTAG_CONFIG';

export function publishRunConfig(config: RunConfig): void {
  process.env[RUN_CONFIG_ENV] = JSON.stringify(config);
}

export function withdrawRunConfig(): void {
  delete process.env[RUN_CONFIG_ENV];
}

export function runConfigFromEnv(): RunConfig {
  const raw = process.env[RUN_CONFIG_ENV];
  if (!raw) {
    throw new Error(
      `runtag: ${RUN_CONFIG_ENV} is not set, so this Playwright worker does not know the run's database. ` +
        "Add runtag's global setup to playwright.config: globalSetup: 'runtag/playwright/global-setup' " +
        '(or a file that default-exports runtagGlobalSetup({ ... })).',
    );
  }
  let config: RunConfig;
  try {
    config = JSON.parse(raw) as RunConfig;
  } catch {
    throw new Error(`runtag: ${RUN_CONFIG_ENV} is not valid JSON. It is written by runtag's Playwright global setup; do not set it by hand.`);
  }
  assertRunId(String(config.runId), `${RUN_CONFIG_ENV}.runId`);
  return config;
}
