import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildRunHandle {
  /** The Vitest main process. */
  pid: number;
  /** Files that reached their hold point, with the pid of the worker holding each. */
  held(): { scope: string; pid: number }[];
  waitUntilHeld(count: number, timeoutMs?: number): Promise<void>;
  release(): void;
  output(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  /** Remove the control dir. */
  dispose(): void;
}

/**
 * A child Vitest run of fixture files, started without waiting for it, so a fault test can strike
 * while the files hold (see test/fixtures/faults/hold.fixture.ts).
 */
export function startChildRun(databaseUrl: string, files: string[], env: Record<string, string> = {}, args: string[] = []): ChildRunHandle {
  const control = mkdtempSync(join(tmpdir(), 'runtag-fault-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('RUNTAG_')));
  const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/vitest.config.ts', ...args, ...files], {
    env: { ...inherited, DATABASE_URL: databaseUrl, FAULT_CONTROL_DIR: control, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, output })),
  );
  const held = () =>
    (existsSync(control) ? readdirSync(control) : [])
      .filter((name) => name.startsWith('held-'))
      .map((name) => ({ scope: name.slice('held-'.length), pid: Number(readFileSync(join(control, name), 'utf8')) }));
  return {
    pid: child.pid!,
    held,
    async waitUntilHeld(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (held().length < count) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child run did not reach ${count} hold(s):\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    release: () => writeFileSync(join(control, 'release'), ''),
    output: () => output,
    done,
    dispose: () => rmSync(control, { recursive: true, force: true }),
  };
}
