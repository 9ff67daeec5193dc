import { dirname, join } from 'node:path';
import type { FullConfig, TestInfo } from '@playwright/test';
import { RuntagError } from '../errors/runtag-error.js';
import type { RunConfig } from '../lifecycle/run-config.js';
import { AppServer, type AppServerInfo } from './app-server.js';
import { resolveAppServer, type AppServerOptions } from './app-server-options.js';
import { ServerOutput } from './app-server-output.js';
import type { WorkerScope } from './worker-scope.js';

/** The directory `webServer` runs its command in by default, and so does appServer: the config file's. */
export function configDirOf(config: FullConfig): string {
  return config.configFile ? dirname(config.configFile) : config.rootDir;
}

/** Readiness can take long (a build, a first compile): the worker fixture waits for it on top of runtag's own setup. */
export function appServerFixtureTimeout(options: AppServerOptions | undefined): number {
  return (options?.timeout ?? 60_000) + 30_000;
}

/**
 * The app server a worker's tests use: its own copy of the app (createRuntagTest({ appServer })),
 * on the worker's database URL, stopped with the worker; else the run's one server (runtagGlobalSetup
 * ({ appServer })); else none. The worker's own copy is stopped before the worker's scope closes
 * (Playwright tears a fixture down before those it depends on), so its connections are gone before
 * the worker's schema and role are dropped.
 */
export async function workerAppServer(
  options: AppServerOptions | undefined,
  worker: WorkerScope,
  workerIndex: number,
  config: FullConfig,
  use: (server: AppServerInfo | undefined) => Promise<void>,
): Promise<void> {
  const run = worker.config;
  if (!options) return use(run.sharedAppServer ? sharedServerView(run.sharedAppServer) : undefined);
  const resolved = resolveAppServer(options, configDirOf(config), run.databaseUrlEnv);
  const server = await AppServer.start(resolved, {
    databaseUrl: worker.runtime.databaseUrl,
    urlVariables: run.databaseUrlEnv,
    logFile: join(run.runDir, `app-server-w${workerIndex}.log`),
    label: `worker ${workerIndex}`,
  });
  try {
    await use(server);
  } finally {
    await server.stop();
  }
}

/** The run's one server as a worker sees it: its address and its output file (it runs in the main process). */
function sharedServerView(shared: NonNullable<RunConfig['sharedAppServer']>): AppServerInfo {
  return { baseURL: shared.baseURL, name: shared.name, label: 'the whole run', output: new ServerOutput(shared.logFile), exitedError: () => undefined };
}

/**
 * Around each test: refuse to run against a server that is gone (saying why, with its last
 * output), and when the test fails, show what the server printed while it ran: attached to the
 * test (the report prints a text attachment's start) and printed whole on the worker's stderr.
 */
export async function appServerOutputAroundTest(server: AppServerInfo | undefined, testInfo: TestInfo, label: string, use: () => Promise<void>): Promise<void> {
  if (!server) return use();
  const gone = server.exitedError();
  if (gone) throw gone;
  const from = server.output.size();
  await use();
  if (testInfo.status === testInfo.expectedStatus) return;
  const gotOut = server.exitedError();
  const printed = server.output.since(from);
  const body = `${printed || '(nothing)\n'}${gotOut ? `\n${gotOut.message}\n` : ''}`;
  await testInfo.attach(`${server.name} output (${server.label})`, { body, contentType: 'text/plain' });
  process.stderr.write(`runtag: what the ${server.name} for ${server.label} printed during "${label}":\n${body}`);
}

/** The `appServer` fixture asked for without one. */
export function noAppServer(): RuntagError {
  return new RuntagError(
    'APP_SERVER_OPTION',
    "runtag: the appServer fixture was used, but no app server was configured. Pass appServer to createRuntagTest({ schema, appServer: { command: 'npm run start' } }) " +
      '(one per worker), or to runtagGlobalSetup({ appServer }) (one for the whole run).',
  );
}
