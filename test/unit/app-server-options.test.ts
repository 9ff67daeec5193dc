import { describe, expect, it } from 'vitest';
import { RuntagError } from '../../src/errors/runtag-error.js';
import { resolveAppServer, type AppServerOptions } from '../../src/playwright/app-server-options.js';

const resolve = (options: AppServerOptions, urlVariables: readonly string[] = ['DATABASE_URL']) => resolveAppServer(options, '/app', urlVariables);
const refusal = (options: AppServerOptions, urlVariables?: readonly string[]) => {
  try {
    resolve(options, urlVariables);
  } catch (error) {
    expect(error).toBeInstanceOf(RuntagError);
    expect((error as RuntagError).code).toBe('APP_SERVER_OPTION');
    return (error as Error).message;
  }
  throw new Error('not refused');
};

describe("appServer's options", () => {
  it("default as Playwright's webServer does where they mean the same, runtag's own elsewhere", () => {
    expect(resolve({ command: 'npm run start' })).toEqual({
      command: 'npm run start',
      cwd: '/app',
      env: {},
      portEnv: 'PORT',
      url: '/',
      wait: {},
      timeout: 60_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 },
      stdout: 'ignore',
      stderr: 'ignore',
      name: 'app server',
    });
  });

  it('resolve cwd from the config directory, and wait for a line alone when that is all that was asked', () => {
    const resolved = resolve({ command: 'next start -p $PORT', cwd: 'web', wait: { stdout: /ready/ } });
    expect(resolved.cwd).toBe('/app/web');
    expect(resolved.url).toBeUndefined();
    expect(resolve({ command: 'x', cwd: '/srv/app', url: '/health', wait: { stderr: /up/ } })).toMatchObject({ cwd: '/srv/app', url: '/health' });
  });

  it('refuse what cannot work, naming the field and the value', () => {
    expect(refusal({ command: ' ' })).toMatch(/appServer\.command must be the shell command/);
    expect(refusal({ command: 'x', url: 'http://localhost:3000/health' as '/x' })).toMatch(
      /appServer\.url must be a path on the server, such as '\/health'.*"http:\/\/localhost:3000\/health"/,
    );
    expect(refusal({ command: 'x', portEnv: 'MY-PORT' })).toMatch(/appServer\.portEnv must be an environment variable name.*"MY-PORT"/);
    expect(refusal({ command: 'x', timeout: 0 })).toMatch(/appServer\.timeout must be a positive number/);
    expect(refusal({ command: 'x', gracefulShutdown: { signal: 'SIGKILL' as 'SIGTERM', timeout: 1 } })).toMatch(/gracefulShutdown must be/);
    expect(refusal({ command: 'x', wait: { stdout: 'ready' as unknown as RegExp } })).toMatch(/wait\.stdout must be a RegExp/);
  });

  it('refuse env setting what runtag sets for each server: the database URL variables and the port', () => {
    expect(refusal({ command: 'x', env: { DATABASE_URL: 'postgres://prod/db' } })).toMatch(
      /appServer\.env sets DATABASE_URL, which runtag sets itself .*database/,
    );
    expect(refusal({ command: 'x', env: { POSTGRES_URL: 'x' } }, ['DATABASE_URL', 'POSTGRES_URL'])).toMatch(/sets POSTGRES_URL/);
    expect(refusal({ command: 'x', portEnv: 'APP_PORT', env: { APP_PORT: '3000' } })).toMatch(/sets APP_PORT, which runtag sets itself .*free port/);
    expect(refusal({ command: 'x' }, [])).toMatch(/databaseUrlEnv option is empty/);
  });

  it('take a url only as a path, at compile time too', () => {
    // @ts-expect-error a whole URL: runtag picks the port
    expect(() => resolve({ command: 'x', url: 'http://localhost:3000/' })).toThrow(RuntagError);
  });
});
