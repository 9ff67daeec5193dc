/**
 * runtag as a user gets it: `npm pack` once, installed into three projects outside the repository,
 * type-checked there and run there. The blog example (its own drizzle-orm 0.44.7) runs in all three
 * isolation modes and a deliberate leak that must be reported by table and file and nothing else;
 * the chat example (drizzle-orm 0.45.4) is shaped like LobeChat's schema, the first real app runtag
 * was tried on; the notes app runs on node-postgres with a module-level db and its own server
 * process, tested through its services and in Chromium through a server per worker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/registry/run-history.js';
import { chooseChromium } from '../e2e/chromium.js';

const repo = resolve(import.meta.dirname, '../..');
let workdir: string;
let project: string;
let chat: string;
let notes: string;

function inProject(command: string, args: string[], env: Record<string, string> = {}, cwd = project) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('RUNTAG_') && k !== 'DATABASE_URL' && k !== 'NODE_OPTIONS'),
  );
  const result = spawnSync(command, args, { cwd, env: { ...inherited, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** Copy an example out of the repository and install the packed tarball into it: one npm install per project. */
function install(example: string, tarball: string): string {
  const dir = join(workdir, example);
  cpSync(join(repo, 'examples', example), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  manifest.devDependencies.runtag = `file:${tarball}`;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const result = inProject('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {}, dir);
  if (result.status !== 0) throw new Error(`npm install of the packed runtag into examples/${example} failed:\n${result.output}`);
  return dir;
}

function runSummary(file: string): RunSummary {
  return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
}

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'runtag-package-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', workdir], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as { filename: string }[];
  const tarball = join(workdir, packed[0]!.filename);
  project = install('blog', tarball);
  chat = install('chat', tarball);
  notes = install('notes-app', tarball);
}, 600_000);

afterAll(() => {
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

describe('the packed package, installed outside the repository', () => {
  it('ships a complete, typed build: the project type-checks against it with its own drizzle-orm 0.44.7', () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/drizzle-orm/package.json'), 'utf8'));
    expect(installed.version).toBe('0.44.7');
    const tsc = inProject('npx', ['tsc', '-p', '.']);
    expect(tsc.status, tsc.output).toBe(0);
  });

  it('asks a consumer to approve no install script: it has none (the build runs when packing)', () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/runtag/package.json'), 'utf8')) as { scripts?: Record<string, string> };
    const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => installed.scripts?.[name] !== undefined);
    expect(lifecycle).toEqual([]);
  });

  it('imports without side effects, from ESM and from require()', () => {
    const probe = `
      const before = ['SIGINT', 'SIGTERM', 'beforeExit', 'exit'].map((e) => process.listenerCount(e));
      const esm = await import('runtag');
      const cjs = (await import('node:module')).createRequire(import.meta.url)('runtag');
      const after = ['SIGINT', 'SIGTERM', 'beforeExit', 'exit'].map((e) => process.listenerCount(e));
      console.log(JSON.stringify({ same: JSON.stringify(before) === JSON.stringify(after), esm: typeof esm.defineFactory, cjs: typeof cjs.defineFactory }));`;
    const result = inProject('node', ['--input-type=module', '-e', probe]);
    expect(result.status, result.output).toBe(0);
    expect(JSON.parse(result.output.trim().split('\n')[0]!)).toEqual({ same: true, esm: 'function', cjs: 'function' });
  });

  it('has a working CLI that explains what it cannot do from an install', () => {
    const help = inProject('npx', ['runtag', '--help']);
    expect(help.status, help.output).toBe(0);
    for (const command of ['runs', 'leaks', 'doctor', 'sweep', 'lint', 'demo']) expect(help.output).toContain(`${command} [options]`);
    const version = inProject('npx', ['runtag', '--version']);
    expect(version.output.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const doctor = inProject('npx', ['runtag', 'doctor']);
    expect(doctor.status).toBe(2);
    expect(doctor.output).toMatch(/runtag doctor needs DATABASE_URL/);
    // Lint from the install: the project's TypeScript factories, loaded through its own Vitest, on an embedded server.
    const lint = inProject('npx', ['runtag', 'lint', 'test/factories.ts', '--json']);
    expect(lint.status, lint.output).toBe(0);
    const linted = JSON.parse(
      lint.output
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .at(-1)!,
    ) as { results: { factory: string; ok: boolean }[]; failed: number };
    expect(linted.failed).toBe(0);
    expect(new Set(linted.results.map((r) => r.factory)).size).toBeGreaterThanOrEqual(5);
    const demo = inProject('npx', ['runtag', 'demo']);
    expect(demo.status).toBe(2);
    expect(demo.output).toMatch(/runs the example suite of runtag's own repository/);
  });

  it.each(['schema', 'shared', 'transaction'])('runs the 27-file suite on 3 workers in %s isolation, leaving nothing', (isolation) => {
    const summaryFile = join(workdir, `summary-${isolation}.json`);
    const run = inProject('npx', ['vitest', 'run'], { RUNTAG_ISOLATION: isolation, RUNTAG_SUMMARY_FILE: summaryFile });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/Test Files\s+27 passed \(27\)/);
    const summary = runSummary(summaryFile);
    expect(summary).toMatchObject({ isolation, workers: 3, files: 27, leaks: [], problems: [] });
    expect(summary.peakConcurrency).toBeGreaterThanOrEqual(2);
    expect(summary.rowsCleaned).toBe(summary.rowsCreated);
  });

  it('reports a deliberate leak by table and file, and nothing else', () => {
    const summaryFile = join(workdir, 'summary-leak.json');
    const run = inProject('npx', ['vitest', 'run', '--config', 'vitest.leak.config.ts'], { RUNTAG_ISOLATION: 'shared', RUNTAG_SUMMARY_FILE: summaryFile });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/table public\.organizations: 1 row\(s\), e\.g\. \{"id":"[0-9a-f-]{36}"\} \(created by leaks\/leaky\.test\.ts\)/);
    const summary = runSummary(summaryFile);
    expect(summary.leaks).toEqual([{ kind: 'rows', where: 'public.organizations', count: 1, file: 'leaks/leaky.test.ts' }]);
  });
});

describe('the packed package in a LobeChat-shaped project (examples/chat)', () => {
  // users.id a natural text key with no default, text ids from $defaultFn, files <-> documents, user_id
  // on every row with has children inheriting it, composite and partial unique indexes, an enum, and
  // a migration whose comment mentions CREATE EXTENSION vector (which the server does not have).
  it('type-checks against the install with its own drizzle-orm 0.45.4, FactoryFor cycle and @ts-expect-error override keys included', () => {
    const installed = JSON.parse(readFileSync(join(chat, 'node_modules/drizzle-orm/package.json'), 'utf8'));
    expect(installed.version).toBe('0.45.4');
    // An unused @ts-expect-error is itself an error: a wrong override key or value that compiled would fail this.
    expect(readFileSync(join(chat, 'test/values.test.ts'), 'utf8').match(/@ts-expect-error/g)).toHaveLength(5);
    const tsc = inProject('npx', ['tsc', '-p', '.'], {}, chat);
    expect(tsc.status, tsc.output).toBe(0);
  });

  it.each(['schema', 'shared', 'transaction'])('runs the 9-file suite on 2 workers in %s isolation, leaving nothing', (isolation) => {
    const summaryFile = join(workdir, `summary-chat-${isolation}.json`);
    const run = inProject('npx', ['vitest', 'run'], { RUNTAG_ISOLATION: isolation, RUNTAG_SUMMARY_FILE: summaryFile }, chat);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/Test Files\s+9 passed \(9\)/);
    expect(run.output).toMatch(/Tests\s+25 passed \(25\)/);
    const summary = runSummary(summaryFile);
    expect(summary).toMatchObject({ isolation, workers: 2, files: 9, leaks: [], problems: [] });
    expect(summary.peakConcurrency).toBeGreaterThanOrEqual(2);
    expect(summary.rowsCleaned).toBe(summary.rowsCreated);
    expect(summary.rowsCreated).toBeGreaterThan(300);
  });
});

describe('the packed package in an app on node-postgres that runs as its own process (examples/notes-app)', () => {
  it('type-checks against the install with its own drizzle-orm 0.45.4 and pg, the Playwright appServer option included', () => {
    const installed = (name: string) => JSON.parse(readFileSync(join(notes, 'node_modules', name, 'package.json'), 'utf8')).version as string;
    expect(installed('drizzle-orm')).toBe('0.45.4');
    expect(installed('pg')).toMatch(/^8\./);
    const tsc = inProject('npx', ['tsc', '-p', '.'], {}, notes);
    expect(tsc.status, tsc.output).toBe(0);
  });

  it.each(['schema', 'shared', 'transaction'])(
    "runs the services' 10 files on 2 workers in %s isolation, through the app's own db module, leaving nothing",
    (isolation) => {
      const summaryFile = join(workdir, `summary-notes-${isolation}.json`);
      const run = inProject('npx', ['vitest', 'run'], { RUNTAG_ISOLATION: isolation, RUNTAG_SUMMARY_FILE: summaryFile }, notes);
      expect(run.status, run.output).toBe(0);
      expect(run.output).toMatch(/Test Files\s+10 passed \(10\)/);
      expect(run.output).toMatch(/Tests\s+32 passed \(32\)/);
      expect(runSummary(summaryFile)).toMatchObject({ isolation, workers: 2, files: 10, leaks: [], problems: [] });
    },
  );

  it('runs end to end in Chromium on 2 workers, each with its own `npm run start` on its own schema, leaving nothing', () => {
    const summaryFile = join(workdir, 'summary-notes-e2e.json');
    const { executablePath } = chooseChromium();
    const env = { RUNTAG_ISOLATION: 'schema', RUNTAG_SUMMARY_FILE: summaryFile, ...(executablePath ? { CHROMIUM_PATH: executablePath } : {}) };
    const run = inProject('npx', ['playwright', 'test'], env, notes);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/\b13 passed\b/);
    expect(runSummary(summaryFile)).toMatchObject({ isolation: 'schema', files: 2, schemasCreated: 2, schemasDropped: 2, leaks: [], problems: [] });
  });
});
