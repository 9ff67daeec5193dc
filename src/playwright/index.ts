/** runtag/playwright: the lifecycle and database fixtures for any Drizzle schema, and the global setup. */
export { createRuntagTest, type RuntagTestFixtures, type RuntagWorkerFixtures, type PlaywrightRuntagTestOptions } from './runtag-test.js';
export type { AppServerOptions } from './app-server-options.js';
export type { AppServerInfo } from './app-server.js';
export type { ServerOutput } from './app-server-output.js';
export type { FactoryFixtures, RuntagTestOptions, Driver, DatabaseOf } from '../lifecycle/runtag-test-options.js';
export { runtagGlobalSetup, type PlaywrightRuntagOptions } from './global-setup.js';
export { runConfigFromEnv } from './worker-handoff.js';
export { RUN_CONFIG_ENV } from '../options/option-list.js';
export { expect } from '@playwright/test';
export { runtagPlaywrightDefaults } from './ci-defaults.js';
