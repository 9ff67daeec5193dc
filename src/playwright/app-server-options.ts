import { isAbsolute, resolve } from 'node:path';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * The app under test as its own process: the command and how it starts, in the names of
 * Playwright's own `webServer` where they mean the same (command, cwd, env, url, wait, timeout,
 * gracefulShutdown, stdout, stderr, name). What differs: runtag picks the port (one server per
 * worker cannot share one), so `url` is a path on the server, and the server gets the database
 * runtag made for it in DATABASE_URL.
 */
export interface AppServerOptions {
  /** Shell command that starts the app (run by /bin/sh): `npm run start`, `node dist/server.js`, `next start -p $PORT`. */
  command: string;
  /** Working directory of the command; default: the directory of the Playwright config file, as for `webServer`. */
  cwd?: string;
  /**
   * Variables for the command, on top of the worker's environment. runtag sets the database URL
   * (DATABASE_URL, or the names of the `databaseUrlEnv` option) and the port variable itself.
   */
  env?: Record<string, string>;
  /** The variable the app reads its port from (default `PORT`); the command can use it too: `next start -p $PORT`. */
  portEnv?: string;
  /**
   * A path on the server that answers when it is ready, with a 2xx, 3xx or 400–403 status (as for
   * `webServer`): `/health`. Default `/`, unless `wait` is given alone.
   */
  url?: `/${string}`;
  /** Ready when the command prints a line that matches (as `webServer`'s `wait`); with `url`, both must happen. */
  wait?: { stdout?: RegExp; stderr?: RegExp };
  /** How long the server may take to be ready, in ms (default 60 000). */
  timeout?: number;
  /**
   * How it is stopped: this signal to its process group, then SIGKILL to what is left after
   * `timeout` ms. Default `{ signal: 'SIGTERM', timeout: 5000 }`.
   */
  gracefulShutdown?: { signal: 'SIGINT' | 'SIGTERM'; timeout: number };
  /**
   * Echo the server's output to the worker's as it comes (default `'ignore'`: with a server per
   * worker it would interleave). Either way runtag keeps it and attaches it to a failing test.
   */
  stdout?: 'pipe' | 'ignore';
  stderr?: 'pipe' | 'ignore';
  /** What messages call it (default `app server`). */
  name?: string;
}

/** The options with every default filled in and checked: what AppServer.start takes. */
export interface ResolvedAppServer {
  command: string;
  cwd: string;
  env: Record<string, string>;
  portEnv: string;
  url: string | undefined;
  wait: { stdout?: RegExp; stderr?: RegExp };
  timeout: number;
  gracefulShutdown: { signal: 'SIGINT' | 'SIGTERM'; timeout: number };
  stdout: 'pipe' | 'ignore';
  stderr: 'pipe' | 'ignore';
  name: string;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(what: string, value: unknown): RuntagError {
  return new RuntagError('APP_SERVER_OPTION', `runtag: appServer.${what}, got ${JSON.stringify(value)}.`);
}

/**
 * Check the options and fill in the defaults. `configDir` is the Playwright config's directory
 * (cwd's default and base); `urlVariables` are the variables runtag sets to the server's database
 * URL, which `env` must not set as well.
 */
export function resolveAppServer(options: AppServerOptions, configDir: string, urlVariables: readonly string[]): ResolvedAppServer {
  if (typeof options.command !== 'string' || options.command.trim() === '')
    throw invalid('command must be the shell command that starts your app', options.command);
  if (urlVariables.length === 0) {
    throw new RuntagError(
      'APP_SERVER_OPTION',
      'runtag: appServer needs a variable to hand the app its database URL, and the databaseUrlEnv option is empty. Leave databaseUrlEnv at its default (DATABASE_URL) or name the variable your app reads.',
    );
  }
  const portEnv = options.portEnv ?? 'PORT';
  if (!VARIABLE_NAME.test(portEnv)) throw invalid('portEnv must be an environment variable name (letters, digits and _)', portEnv);
  const env = options.env ?? {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string') throw invalid(`env.${name} must be a string`, value);
    if (urlVariables.includes(name) || name === portEnv) {
      throw new RuntagError(
        'APP_SERVER_OPTION',
        `runtag: appServer.env sets ${name}, which runtag sets itself for each server (${name === portEnv ? 'its free port' : "its database: the worker's schema and role, or the shared schema"}). Remove it from env.`,
      );
    }
  }
  if (options.url !== undefined && (typeof options.url !== 'string' || !options.url.startsWith('/'))) {
    throw invalid("url must be a path on the server, such as '/health' (runtag picks the server's port, so it cannot be a whole URL)", options.url);
  }
  const wait = options.wait ?? {};
  for (const stream of ['stdout', 'stderr'] as const) {
    if (wait[stream] !== undefined && !(wait[stream] instanceof RegExp)) throw invalid(`wait.${stream} must be a RegExp`, String(wait[stream]));
  }
  const timeout = options.timeout ?? 60_000;
  if (!(Number.isFinite(timeout) && timeout > 0)) throw invalid('timeout must be a positive number of milliseconds', timeout);
  const gracefulShutdown = options.gracefulShutdown ?? { signal: 'SIGTERM', timeout: 5000 };
  if (!['SIGINT', 'SIGTERM'].includes(gracefulShutdown.signal) || !(Number.isFinite(gracefulShutdown.timeout) && gracefulShutdown.timeout >= 0)) {
    throw invalid("gracefulShutdown must be { signal: 'SIGINT' | 'SIGTERM', timeout: milliseconds >= 0 }", gracefulShutdown);
  }
  const waitsForLine = wait.stdout !== undefined || wait.stderr !== undefined;
  return {
    command: options.command,
    cwd: options.cwd === undefined ? configDir : isAbsolute(options.cwd) ? options.cwd : resolve(configDir, options.cwd),
    env,
    portEnv,
    // A line alone is enough when that is all that was asked for; otherwise the server must answer.
    url: options.url ?? (waitsForLine ? undefined : '/'),
    wait,
    timeout,
    gracefulShutdown,
    stdout: options.stdout ?? 'ignore',
    stderr: options.stderr ?? 'ignore',
    name: options.name ?? 'app server',
  };
}
