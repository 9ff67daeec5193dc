import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { RuntagError } from '../errors/runtag-error.js';
import { appDatabaseUrl } from '../isolation/test-schema.js';
import type { RunConfig } from '../lifecycle/run-config.js';
import { AppServer } from './app-server.js';
import { configDirOf } from './app-server-fixtures.js';
import { resolveAppServer, type AppServerOptions } from './app-server-options.js';

/**
 * The one app server of a whole run (runtagGlobalSetup({ appServer })), for an app that cannot
 * run once per worker. Playwright's own `webServer` starts before any global setup, so it never
 * learns the database runtag starts; this one starts after it, in the main process. It can serve
 * only the shared schema: in isolation "schema" each worker's rows are in a schema of its own,
 * which one server cannot reach for all of them. It logs in as the run's DATABASE_URL user (the
 * shared schema has no role of its own), with an application_name naming it, `runtag:<run>:app-shared`.
 */
export async function startSharedAppServer(
  options: AppServerOptions,
  run: RunConfig,
  config: FullConfig,
): Promise<{ server: AppServer; handoff: NonNullable<RunConfig['sharedAppServer']> }> {
  if (run.isolation !== 'shared') {
    throw new RuntagError(
      'APP_SERVER_ISOLATION',
      `runtag: one app server for the whole run (runtagGlobalSetup({ appServer })) cannot serve isolation "${run.isolation}": each worker's rows are in a schema of its own, ` +
        'and one server can reach only one. Use isolation "shared" (Playwright\'s default) with it, or start a copy per worker, on its own schema: ' +
        'createRuntagTest({ schema, appServer: { command: ... } }).',
    );
  }
  const resolved = resolveAppServer(options, configDirOf(config), run.databaseUrlEnv);
  const server = await AppServer.start(resolved, {
    databaseUrl: appDatabaseUrl(run.databaseUrl, run.runId, 'shared', [run.sharedSchema]),
    urlVariables: run.databaseUrlEnv,
    logFile: join(run.runDir, 'app-server-shared.log'),
    label: 'the whole run',
  });
  return { server, handoff: { baseURL: server.baseURL, name: server.name, logFile: server.output.file } };
}
