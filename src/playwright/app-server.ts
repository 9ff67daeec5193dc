import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { RuntagError } from '../errors/runtag-error.js';
import { RUN_CONFIG_ENV } from '../options/option-list.js';
import { freePort } from '../util/free-port.js';
import { startLifeline, type Lifeline } from '../util/lifeline.js';
import type { ResolvedAppServer } from './app-server-options.js';
import { ServerOutput } from './app-server-output.js';

/**
 * The lifeline of one app server (see util/lifeline.ts): it learns the server's process group
 * first, then waits. When its pipe closes (the worker stops the server, or the worker or the whole
 * run is gone, SIGKILL included) it sends the group the shutdown signal, gives it the grace period,
 * and SIGKILLs whatever is left: the command, and every child it started (npm, tsx, node…), then
 * waits (briefly) until they are gone.
 * `disarm`: the group is already gone, and its number must not be signalled once it is reused.
 */
const LIFELINE = `
read -r pgid || exit 0
while read -r line; do
  [ "$line" = disarm ] && exit 0
done
kill -"$APP_SIGNAL" -"$pgid" 2>/dev/null || exit 0
i=0
while [ "$i" -lt "$APP_GRACE_TENTHS" ] && kill -0 -"$pgid" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
kill -KILL -"$pgid" 2>/dev/null || exit 0
# Until the kernel has taken them (at most 2 s): the server is stopped when stop() returns.
i=0
while [ "$i" -lt 20 ] && kill -0 -"$pgid" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
exit 0
`;

/** Where a server runs for, and what it is handed. */
export interface AppServerTarget {
  /** The database URL the app gets (the worker's scope, or the run's shared schema). */
  databaseUrl: string;
  /** The variables that carry it (the databaseUrlEnv option: DATABASE_URL by default). */
  urlVariables: readonly string[];
  /** Where its output is kept (in the run's directory). */
  logFile: string;
  /** Whom it serves, for messages: `worker 1`, `the whole run`. */
  label: string;
}

/** What a test sees of an app server, whoever started it: where it is, and what it printed. */
export interface AppServerInfo {
  /** `http://localhost:<port>`: what Playwright's baseURL becomes. */
  readonly baseURL: string;
  /** What messages call it (appServer.name). */
  readonly name: string;
  /** Whom it serves: `worker 1`, `the whole run`. */
  readonly label: string;
  /** Its output, kept in a file: `output.since(offset)`, `output.tail()`. */
  readonly output: ServerOutput;
  /** An error saying it is gone, once it is known to have exited. */
  exitedError(): RuntagError | undefined;
}

export interface AppServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One running copy of the app: its own process group, a free port, the database URL it was given,
 * its output kept in a file. `start` resolves once it is ready; `stop` ends it and everything it
 * started. Nothing it started outlives the process that started it: its lifeline sees to that.
 */
export class AppServer implements AppServerInfo {
  private exitStatus: AppServerExit | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly options: ResolvedAppServer,
    readonly target: AppServerTarget,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly lifeline: Lifeline,
    readonly output: ServerOutput,
    private readonly exited: Promise<AppServerExit>,
  ) {
    void exited.then((exit) => (this.exitStatus = exit));
  }

  /** `http://localhost:<port>`: what Playwright's baseURL becomes (the browser tries IPv4 and IPv6). */
  get baseURL(): string {
    return `http://localhost:${this.port}`;
  }

  get name(): string {
    return this.options.name;
  }

  get label(): string {
    return this.target.label;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** How it ended, if it has. */
  get exit(): AppServerExit | undefined {
    return this.exitStatus;
  }

  static async start(options: ResolvedAppServer, target: AppServerTarget): Promise<AppServer> {
    if (!existsSync(options.cwd)) {
      throw new RuntagError(
        'APP_SERVER_OPTION',
        `runtag: the ${options.name}'s working directory ${options.cwd} does not exist. Set appServer.cwd (relative to the Playwright config).`,
      );
    }
    const port = await freePort();
    const env: Record<string, string | undefined> = { ...process.env, ...options.env, [options.portEnv]: String(port) };
    // The run's config holds the admin's URL: the app gets only its own.
    delete env[RUN_CONFIG_ENV];
    for (const name of target.urlVariables) env[name] = target.databaseUrl;
    const output = new ServerOutput(target.logFile).open();
    output.append(`[runtag] ${options.name} for ${target.label}: ${options.command} (${options.portEnv}=${port}, cwd ${options.cwd})\n`);
    // Armed before the server exists: the server is never without one.
    const lifeline = startLifeline({
      script: LIFELINE,
      name: 'runtag-app-server',
      env: { APP_SIGNAL: options.gracefulShutdown.signal.slice(3), APP_GRACE_TENTHS: String(Math.ceil(options.gracefulShutdown.timeout / 100)) },
    });
    // detached: a process group of its own, led by the shell, which the lifeline can signal whole.
    const child = spawn('/bin/sh', ['-c', options.command], { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    // At once, in the same tick as the spawn: the group is the shell's pid.
    if (child.pid !== undefined) lifeline.send(String(child.pid));
    const exited = new Promise<AppServerExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    const server = new AppServer(options, target, port, child, lifeline, output, exited);
    const lines = server.watchOutput();
    void exited.then((exit) => {
      output.append(`[runtag] ${options.name} for ${target.label} exited (${describeExit(exit)})\n`);
      // The shell is gone; so is its group if nothing it started lingers: then its number must not be signalled again.
      if (!groupAlive(child.pid)) lifeline.send('disarm');
    });
    try {
      await server.waitUntilReady(lines);
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** Keep the output, echo it if asked, and resolve the `wait` patterns as lines come. */
  private watchOutput(): Promise<void> {
    const { wait } = this.options;
    const pending: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const pattern = wait[stream];
      const source = this.child[stream]!;
      const echo = this.options[stream] === 'pipe' ? (stream === 'stdout' ? process.stdout : process.stderr) : undefined;
      let seen = '';
      let found: (() => void) | undefined;
      if (pattern) pending.push(new Promise<void>((resolve) => (found = resolve)));
      source.on('data', (chunk: Buffer) => {
        this.output.append(chunk);
        echo?.write(chunk);
        if (found) {
          // The pattern may span chunks: test what came since the last complete line, and the chunk.
          seen = (seen + chunk.toString('utf8')).slice(-8192);
          if (seen.search(pattern!) >= 0) {
            found();
            found = undefined;
          } else {
            seen = seen.slice(seen.lastIndexOf('\n') + 1);
          }
        }
      });
    }
    return Promise.all(pending).then(() => {});
  }

  private async waitUntilReady(lines: Promise<void>): Promise<void> {
    const { url, timeout, name } = this.options;
    const deadline = Date.now() + timeout;
    let printed = this.options.wait.stdout === undefined && this.options.wait.stderr === undefined;
    void lines.then(() => (printed = true));
    let answered = url === undefined;
    while (!(printed && answered)) {
      if (this.exitStatus) throw this.failure(`it exited (${describeExit(this.exitStatus)}) before it was ready`);
      if (Date.now() > deadline) {
        const missing = [!answered && `no answer from ${this.baseURL}${url}`, !printed && 'no ready line in its output'].filter(Boolean).join(' and ');
        throw this.failure(`it was not ready within ${timeout} ms: ${missing}`);
      }
      if (!answered) answered = await answers(this.port, url!);
      if (!(printed && answered)) await sleep(100);
    }
    this.output.append(`[runtag] ${name} for ${this.target.label} ready at ${this.baseURL}\n`);
  }

  private failure(what: string): RuntagError {
    const { name, command, cwd } = this.options;
    return new RuntagError(
      'APP_SERVER_FAILED',
      `runtag: the ${name} for ${this.target.label} (\`${command}\` in ${cwd}) did not start: ${what}. Its output:\n${this.output.tail(30)}\n` +
        `It was given ${this.options.portEnv}=${this.port} and ${this.target.urlVariables.join(', ')}; make it listen on that port` +
        (this.options.url ? ` and answer ${this.options.url} with a 2xx, 3xx or 400–403 status` : '') +
        ', or raise appServer.timeout.',
    );
  }

  /** An error for a test that finds the server gone: it cannot run against it. */
  exitedError(): RuntagError | undefined {
    if (!this.exitStatus) return undefined;
    return new RuntagError(
      'APP_SERVER_EXITED',
      `runtag: the ${this.options.name} for ${this.target.label} exited (${describeExit(this.exitStatus)}) while tests still needed it. Its last output:\n${this.output.tail(30)}`,
    );
  }

  /** Stop the server and everything it started: the shutdown signal to its group, SIGKILL after the grace period. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.lifeline.release();
      await this.exited;
      this.output.close();
    })();
    return this.stopping;
  }
}

function describeExit(exit: AppServerExit): string {
  return exit.signal ? `signal ${exit.signal}` : exit.code === null ? 'could not be started' : `code ${exit.code}`;
}

/** Whether any process of the group is left. */
function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ready as Playwright's webServer counts it: 2xx, 3xx (not followed), or 400–403; on IPv4 or IPv6 loopback. */
async function answers(port: number, path: string): Promise<boolean> {
  for (const host of ['127.0.0.1', '[::1]']) {
    try {
      const response = await fetch(`http://${host}:${port}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if ((response.status >= 200 && response.status < 400) || (response.status >= 400 && response.status <= 403)) return true;
    } catch {
      // Not listening yet (or not on this address).
    }
  }
  return false;
}
