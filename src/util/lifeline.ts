import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A watchdog that outlives the runtag process only as long as it takes to clean up after it: a
 * small shell script reading a pipe from this process. Whatever ends this process (a clean stop,
 * a crash, SIGKILL), the kernel closes the pipe, the script's `read` sees end of file, and the
 * script does its job: stop PostgreSQL (db/embedded/supervisor.ts), kill an app server's process
 * group (playwright/app-server.ts). Nothing else can do it after a SIGKILL: no handler runs.
 *
 * It runs detached, in a process group of its own, so that a terminal's Ctrl-C (sent to the
 * foreground group) reaches the run first and the watchdog does not die before it has acted.
 */
export interface LifelineOptions {
  /** The script, run by /bin/sh -c: it reads its commands from stdin, and end of file means "the runtag process is gone". */
  script: string;
  /** $0 of the script: how `ps` and `pgrep -f` show it. */
  name: string;
  args?: readonly string[];
  /** Its whole environment (nothing is inherited: the script gets only what it needs). */
  env: Record<string, string>;
  /** Run it as this user (e.g. the PostgreSQL server's). */
  user?: { uid: number; gid: number } | undefined;
}

export interface Lifeline {
  /** Send the script one line on its pipe. */
  send(line: string): void;
  /** Close the pipe (the script does its cleanup) and wait until the script has exited. */
  release(): Promise<void>;
  /** Resolves when the script exits, whyever it does. */
  readonly exited: Promise<void>;
  readonly pid: number | undefined;
}

export function startLifeline(options: LifelineOptions): Lifeline {
  const child: ChildProcess = spawn('/bin/sh', ['-c', options.script, options.name, ...(options.args ?? [])], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_MESSAGES: 'C', ...options.env },
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  // The pipe must not keep the run's event loop alive, nor its errors crash the run.
  child.unref();
  child.stdin!.on('error', () => {});
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => {});
  return {
    send: (line) => void child.stdin!.write(`${line}\n`),
    release: async () => {
      child.ref(); // now the run waits for the cleanup to be done
      child.stdin!.end();
      await exited;
    },
    exited,
    pid: child.pid,
  };
}
