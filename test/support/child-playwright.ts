import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ChildPlaywright {
  /** The Playwright main process. */
  pid: number;
  output(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/**
 * A child Playwright run, as a developer starts one from a shell: none of this process's Vitest,
 * Playwright or runtag state (nor a DATABASE_URL runtag set for this file), and `env` on top.
 */
export function startChildPlaywright(config: string, files: string[], env: Record<string, string> = {}): ChildPlaywright {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !k.startsWith('VITEST') &&
        !k.startsWith('RUNTAG_') &&
        !k.startsWith('TEST_') &&
        !k.startsWith('PW_') &&
        k !== 'PLAYWRIGHT_TEST' &&
        k !== 'DATABASE_URL' &&
        k !== 'NODE_OPTIONS' &&
        k !== 'NO_COLOR',
    ),
  );
  const child = spawn(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', '-c', config, ...files], {
    // FORCE_COLOR=0 alone: with NO_COLOR beside it, every Node process of the run (the app servers too) warns that NO_COLOR is ignored.
    env: { ...inherited, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, output })),
  );
  return { pid: child.pid!, output: () => output, done };
}

/** What the fixture app reported (WHOAMI lines, see test/fixtures/app-server/fixture-test.ts). */
export function whoamiLines(
  output: string,
): { workerIndex: number; user: string; schema: string; app: string; pid: number; helperPid: number; port: number }[] {
  return [...output.matchAll(/^WHOAMI (\{.*\})$/gm)].map((m) => JSON.parse(m[1]!));
}

/**
 * Processes started as an app server of `runId`: their DATABASE_URL names the run (its
 * application_name `runtag:<run>:app-…`), which nothing else's does. Children inherit it.
 */
export function appServerProcesses(runId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.some((v) => v.startsWith('DATABASE_URL=') && v.includes(runId))) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Running: a process that exited but is not reaped yet (a zombie, until init gets to it) is not. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
