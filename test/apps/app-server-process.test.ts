/**
 * An app server as runtag runs it, without Playwright around it: started with its port and
 * database URL, ready by its url or its line, refused with its output when it exits or takes too
 * long, and stopped with everything it started (a child that ignores SIGTERM included).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntagError } from '../../src/errors/runtag-error.js';
import { AppServer } from '../../src/playwright/app-server.js';
import { resolveAppServer, type AppServerOptions } from '../../src/playwright/app-server-options.js';
import { alive } from '../support/child-playwright.js';
import { testTempDir } from '../support/temp-dir.js';

const fixtureDir = join(import.meta.dirname, '../fixtures/app-server');
// A URL nothing listens on: the fixture's pool connects only when asked to.
const DATABASE_URL = 'postgres://app:secret@127.0.0.1:1/app_test?application_name=runtag%3Atest%3Aapp-w0';

function start(options: Partial<AppServerOptions> & { env?: Record<string, string> }, label = 'worker 0'): Promise<AppServer> {
  const resolved = resolveAppServer(
    { command: 'node app.mjs', url: '/health', gracefulShutdown: { signal: 'SIGTERM', timeout: 300 }, ...options },
    fixtureDir,
    ['DATABASE_URL', 'POSTGRES_URL'],
  );
  return AppServer.start(resolved, {
    databaseUrl: DATABASE_URL,
    urlVariables: ['DATABASE_URL', 'POSTGRES_URL'],
    logFile: join(testTempDir('runtag-app-log-'), 'app.log'),
    label,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<RuntagError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuntagError);
  return error as RuntagError;
}

describe('an app server', () => {
  it('gets a free port and the database URL in every variable asked for, never the run config; stop ends it and its children', async () => {
    process.env.RUNTAG_CONFIG = '{"databaseUrl":"postgres://admin@secret/db"}';
    let server: AppServer;
    try {
      server = await start({
        command:
          'node -e "console.log(JSON.stringify({ port: process.env.PORT, db: process.env.DATABASE_URL, pg: process.env.POSTGRES_URL, config: process.env.RUNTAG_CONFIG ?? null, extra: process.env.EXTRA }))" && node app.mjs',
        env: { EXTRA: 'yes' },
      });
    } finally {
      delete process.env.RUNTAG_CONFIG;
    }
    const said = JSON.parse(
      server.output
        .since(0)
        .split('\n')
        .find((line) => line.startsWith('{'))!,
    );
    expect(said).toEqual({ port: String(server.port), db: DATABASE_URL, pg: DATABASE_URL, config: null, extra: 'yes' });
    expect(server.baseURL).toBe(`http://localhost:${server.port}`);
    // The app's own pid and its child's: the child ignores SIGTERM, so only the group's SIGKILL ends it.
    const me = await (await fetch(`${server.baseURL}/say?text=hello`)).text();
    expect(me).toBe('said');
    const pids = await childrenOf(server.pid);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await server.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(server.output.since(0)).toMatch(/hello\n[\s\S]*exited \(signal SIGTERM\)/);
  });

  it('can be ready by a line of its output instead of a url', async () => {
    const server = await start({ url: undefined, wait: { stdout: /listening on (\d+)/ } });
    expect(server.output.tail()).toMatch(/ready at http:\/\/localhost:\d+/);
    await server.stop();
  });

  it('that exits before it is ready is refused with its exit code and output, and leaves nothing', async () => {
    const error = await failureOf(start({ env: { APP_FIXTURE_MODE: 'exit-early' } }));
    expect(error.code).toBe('APP_SERVER_FAILED');
    expect(error.message).toMatch(/the app server for worker 0 \(`node app\.mjs` in .*app-server\) did not start: it exited \(code 4\) before it was ready/);
    expect(error.message).toContain('fixture app: cannot start, no config');
    expect(error.message).toMatch(/It was given PORT=\d+ and DATABASE_URL, POSTGRES_URL/);
  });

  it('that is not ready in time is refused saying what it waited for, and stopped with its children', async () => {
    const error = await failureOf(start({ timeout: 800, env: { APP_FIXTURE_START_DELAY_MS: '10000' } }));
    expect(error.code).toBe('APP_SERVER_FAILED');
    expect(error.message).toMatch(/was not ready within 800 ms: no answer from http:\/\/localhost:\d+\/health/);
    expect(error.message).toMatch(/or raise appServer\.timeout/);
  });

  it('that exits during the run says so', async () => {
    const server = await start({});
    expect(server.exitedError()).toBeUndefined();
    await fetch(`${server.baseURL}/crash`);
    await expect.poll(() => server.exit).toEqual({ code: 3, signal: null });
    expect(server.exitedError()?.code).toBe('APP_SERVER_EXITED');
    expect(server.exitedError()?.message).toMatch(/exited \(code 3\) while tests still needed it[\s\S]*crashing on request/);
    // Its child is still in the group, so the lifeline stays armed: stop ends it.
    await server.stop();
  });

  it('refuses a working directory that does not exist', async () => {
    const error = await failureOf(start({ cwd: 'no/such/dir' }));
    expect(error.code).toBe('APP_SERVER_OPTION');
    expect(error.message).toMatch(/working directory .*no\/such\/dir does not exist/);
  });
});

/** The process group of `pgid` as ps shows it: the shell, the app, its child. */
async function childrenOf(pgid: number): Promise<number[]> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, group]) => group === pgid)
    .map(([pid]) => pid!);
}
