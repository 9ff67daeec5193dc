import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The one way runtag's tests start a child: a Vitest run of fixture suites, the runtag CLI from the
 * sources, or Playwright, each a run of its own (own run id, own leak checks, own closing line) that
 * the test reads the output and exit code of. The child may share this run's database server.
 */

/** The programs, as this Node runs them from the repository root. */
const PROGRAMS = {
  vitest: ['node_modules/vitest/vitest.mjs', 'run'],
  runtag: ['node_modules/tsx/dist/cli.mjs', 'src/cli/runtag.ts'],
  playwright: ['node_modules/@playwright/test/cli.js', 'test'],
} as const;

export type ChildProgram = keyof typeof PROGRAMS;

/** The fixture suites (test/fixtures/**\/*.fixture.ts): run only by child runs, never by the normal run. */
const FIXTURE_CONFIG = 'test/fixtures/vitest.config.ts';

export interface ChildOptions {
  /** Set in the child's environment over what it inherits; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Where the child runs (default: this process's directory, the repository root). */
  cwd?: string;
  /** For a child run to its end: how long before it is killed (default 120 s). */
  timeoutMs?: number;
}

export interface FinishedChild {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout, then stderr. */
  output: string;
}

/**
 * What a child inherits: this process's environment without the variables that belong to this run
 * or this worker (Vitest's, Playwright's, runtag's own: run id, isolation, seed, config), so the
 * child starts a run of its own; and no colours (NO_COLOR), so its output can be matched. Nor DATABASE_URL:
 * in a test file's worker runtag has set it to that file's own URL (for the app under test), which
 * logs in as the file's role; a child that needs a server is given one (`env.DATABASE_URL`), and
 * one given none starts its own embedded server.
 */
export function childEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const ours = (name: string) => /^(VITEST|RUNTAG_|TEST_|PW_)/.test(name) || name === 'PLAYWRIGHT_TEST' || name === 'DATABASE_URL';
  const merged: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !ours(name))),
    // NO_COLOR alone (Vitest's colours honour it; FORCE_COLOR, even 0, turns them on): with both set, every Node
    // process of the child warns that NO_COLOR is ignored, into the output the tests match.
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    ...env,
  };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/** Run `program` with `args` to its end. */
export function runChild(program: ChildProgram, args: readonly string[], options: ChildOptions = {}): FinishedChild {
  const result = spawnSync(process.execPath, [...PROGRAMS[program], ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
}

export interface StartedChild {
  pid: number;
  /** Everything it printed so far, stdout and stderr as they came. */
  output(): string;
  /** False once the process exited (its output may close later: orphaned workers can hold it open). */
  running(): boolean;
  /** When it exited and its output is closed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** Start `program` with `args` without waiting for it: for a test that strikes, or reads, while it runs. */
export function startChild(program: ChildProgram, args: readonly string[], options: ChildOptions = {}): StartedChild {
  const child = spawn(process.execPath, [...PROGRAMS[program], ...args], { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, output })),
  );
  return { pid: child.pid!, output: () => output, running: () => child.exitCode === null && child.signalCode === null, done };
}

/** A child Vitest run of fixture files on `databaseUrl` (this run's, so both runs share the server while both are live). */
export function runFixtureSuite(databaseUrl: string, files: string[], env: Record<string, string> = {}, args: string[] = []): FinishedChild {
  return runChild('vitest', ['--config', FIXTURE_CONFIG, ...args, ...files], { env: { DATABASE_URL: databaseUrl, ...env } });
}

export interface ChildRunHandle extends StartedChild {
  /** Files that reached their hold point, with the pid of the worker holding each. */
  held(): { scope: string; pid: number }[];
  waitUntilHeld(count: number, timeoutMs?: number): Promise<void>;
  release(): void;
  /** Remove the control dir. */
  dispose(): void;
}

/**
 * A child Vitest run of fixture files, started without waiting for it, so a fault test can strike
 * while the files hold (see test/fixtures/faults/hold-body.ts): they report and wait in FAULT_CONTROL_DIR.
 */
export function startChildRun(databaseUrl: string, files: string[], env: Record<string, string> = {}, args: string[] = []): ChildRunHandle {
  const control = mkdtempSync(join(tmpdir(), 'runtag-fault-'));
  const child = startChild('vitest', ['--config', FIXTURE_CONFIG, ...args, ...files], {
    env: { DATABASE_URL: databaseUrl, FAULT_CONTROL_DIR: control, ...env },
  });
  const held = () =>
    (existsSync(control) ? readdirSync(control) : [])
      .filter((name) => name.startsWith('held-'))
      .map((name) => ({ scope: name.slice('held-'.length), pid: Number(readFileSync(join(control, name), 'utf8')) }));
  return {
    ...child,
    held,
    async waitUntilHeld(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (held().length < count) {
        if (Date.now() > deadline || !child.running()) throw new Error(`child run did not reach ${count} hold(s):\n${child.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    release: () => writeFileSync(join(control, 'release'), ''),
    dispose: () => rmSync(control, { recursive: true, force: true }),
  };
}
