/**
 * What a test file costs under runtag against what users pick instead, as whole Vitest runs of one
 * suite in a project outside the repository, with runtag installed from its packed tarball (the
 * way users load it: no Vite transform of src/).
 *
 * The suite (bench/suite-cost/project): N files × 5 tests, each writing 20 rows into 3 related
 * tables through Drizzle and reading them back. The same test body in every variant; only the
 * setup differs:
 *   plain         one database, each file deletes its rows in afterAll (the flaky baseline)
 *   truncate      one migrated database per worker, every table truncated before each test
 *   template      a database per file, cloned from a migrated template and dropped after it
 *   runtag-*      runtag's globalSetup and setup file, in each isolation mode
 * each at Vitest's `isolate: true` (a process per file) and `false` (one process, many files),
 * 1 worker, interleaved within each round (order reversed every other round), a discarded warm-up
 * round, medians. A variant's cost per file is the median over rounds of (its wall time − plain's
 * wall time in the same round, same isolation) ÷ files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, quoteIdent, type Sql } from '../src/db/connect.js';
import { median, round2 } from './rounds.js';

const repo = resolve(import.meta.dirname, '..');
const TEMPLATE_PROJECT = join(repo, 'bench/suite-cost/project');

export const SUITE_VARIANTS = ['plain', 'truncate', 'template', 'runtag-schema', 'runtag-transaction', 'runtag-shared'] as const;
export type SuiteVariant = (typeof SUITE_VARIANTS)[number];

/** The entry points whose import a fresh process pays, and what plain Vitest + Drizzle already import. */
const IMPORTS = {
  vitestEntryMs: 'runtag/vitest',
  mainEntryMs: 'runtag',
  baselineMs: ['vitest', 'drizzle-orm/postgres-js', 'postgres'],
} as const;

export interface SuiteCostRun {
  variant: SuiteVariant;
  isolate: boolean;
  round: number;
  wallMs: number;
}

export interface SuiteCost {
  files: number;
  testsPerFile: number;
  rounds: number;
  runs: SuiteCostRun[];
  imports: Record<keyof typeof IMPORTS, number>;
}

interface Databases {
  admin: string;
  plain: string;
  truncate: string;
  template: string;
  runtag: string;
}

export async function measureSuiteCost(
  serverUrl: string,
  options: {
    rounds: number;
    files: number;
    log: (line: string) => void /** A packed runtag to measure instead of this checkout's (e.g. an older commit's). */;
    tarball?: string;
  },
): Promise<SuiteCost> {
  const { rounds, files, log } = options;
  const workdir = mkdtempSync(join(tmpdir(), 'runtag-suite-cost-'));
  const admin = connect(serverUrl, { max: 1, applicationName: 'runtag:bench:suite-cost' });
  try {
    log('suite cost: packing runtag and installing it into a project outside the repository…');
    const project = installProject(workdir, files, options.tarball);
    const databases = await createDatabases(admin, serverUrl, project);
    log('suite cost: import times…');
    const imports = measureImports(project);
    const runs: SuiteCostRun[] = [];
    for (let round = 0; round <= rounds; round++) {
      const order = SUITE_VARIANTS.flatMap((variant) => [true, false].map((isolate) => ({ variant, isolate })));
      if (round % 2 === 1) order.reverse();
      for (const { variant, isolate } of order) {
        const wallMs = runSuite(project, databases, variant, isolate);
        log(`  suite cost${round === 0 ? ' (warm-up)' : ''}: ${variant}, isolate ${isolate}: ${(wallMs / 1000).toFixed(2)} s`);
        // The warm-up round fills caches (Vite's, the OS's, the template); it is not reported.
        if (round > 0) runs.push({ variant, isolate, round, wallMs: round2(wallMs) });
      }
    }
    return { files, testsPerFile: 5, rounds, runs, imports };
  } finally {
    await dropDatabases(admin).catch(() => {});
    await admin.end({ timeout: 5 });
    rmSync(workdir, { recursive: true, force: true });
  }
}

/** Per-file cost of each variant over plain, and the ratios the issue's targets name. */
export function suiteCostFigures(cost: SuiteCost) {
  const overPlain = (variant: SuiteVariant, isolate: boolean) => {
    const perRound = [];
    for (let round = 1; round <= cost.rounds; round++) {
      const wall = (v: SuiteVariant) => cost.runs.find((r) => r.variant === v && r.isolate === isolate && r.round === round)!.wallMs;
      perRound.push((wall(variant) - wall('plain')) / cost.files);
    }
    return round2(median(perRound));
  };
  const wall = (variant: SuiteVariant, isolate: boolean) =>
    round2(median(cost.runs.filter((r) => r.variant === variant && r.isolate === isolate).map((r) => r.wallMs)));
  const variants = Object.fromEntries(
    SUITE_VARIANTS.map((variant) => [
      variant,
      {
        wallMs: wall(variant, true),
        wallMsNoIsolate: wall(variant, false),
        perFileOverMs: variant === 'plain' ? 0 : overPlain(variant, true),
        perFileOverMsNoIsolate: variant === 'plain' ? 0 : overPlain(variant, false),
      },
    ]),
  ) as Record<SuiteVariant, { wallMs: number; wallMsNoIsolate: number; perFileOverMs: number; perFileOverMsNoIsolate: number }>;
  const schema = variants['runtag-schema'];
  return {
    files: cost.files,
    testsPerFile: cost.testsPerFile,
    rounds: cost.rounds,
    schema,
    transaction: variants['runtag-transaction'],
    shared: variants['runtag-shared'],
    plain: variants.plain,
    truncate: variants.truncate,
    templateDatabase: variants.template,
    vsTemplateDatabase: round2(schema.perFileOverMs / variants.template.perFileOverMs),
    vsTruncate: round2(schema.perFileOverMs / variants.truncate.perFileOverMs),
    imports: cost.imports,
    runs: cost.runs,
  };
}

function installProject(workdir: string, files: number, prebuilt: string | undefined): string {
  const tarball =
    prebuilt ??
    join(
      workdir,
      (
        JSON.parse(
          execFileSync('npm', ['pack', '--json', '--pack-destination', workdir], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
        ) as { filename: string }[]
      )[0]!.filename,
    );
  const project = join(workdir, 'project');
  cpSync(TEMPLATE_PROJECT, project, { recursive: true });
  const version = (name: string) => (JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'runtag-suite-cost',
        private: true,
        type: 'module',
        dependencies: { 'drizzle-orm': version('drizzle-orm'), postgres: version('postgres') },
        devDependencies: { runtag: `file:${resolve(tarball)}`, vitest: version('vitest') },
      },
      null,
      2,
    ),
  );
  const body = readFileSync(join(project, 'test/file.test.template'), 'utf8');
  rmSync(join(project, 'test/file.test.template'));
  for (let n = 1; n <= files; n++) writeFileSync(join(project, `test/file-${String(n).padStart(2, '0')}.test.ts`), body);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, encoding: 'utf8', timeout: 600_000 });
  if (install.status !== 0) throw new Error(`suite cost: npm install of the packed runtag failed:\n${install.stdout}\n${install.stderr}`);
  return project;
}

const BENCH_DATABASES = ['bench_plain_test', 'bench_truncate_1_test', 'bench_template_test', 'bench_runtag_test'];

async function createDatabases(admin: Sql, serverUrl: string, project: string): Promise<Databases> {
  await dropDatabases(admin);
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const statements = readFileSync(join(project, 'drizzle/0000_init.sql'), 'utf8').split('--> statement-breakpoint');
  for (const name of BENCH_DATABASES) {
    await admin.unsafe(`create database ${quoteIdent(name)}`);
    // The runtag variants migrate for themselves; the others get what drizzle-kit migrate would give them.
    if (name === 'bench_runtag_test') continue;
    const sql = connect(urlOf(name), { max: 1 });
    try {
      for (const statement of statements) await sql.unsafe(statement);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  return {
    admin: urlOf('postgres'),
    plain: urlOf('bench_plain_test'),
    truncate: urlOf('bench_truncate_WORKER_test'),
    template: 'bench_template_test',
    runtag: urlOf('bench_runtag_test'),
  };
}

async function dropDatabases(admin: Sql): Promise<void> {
  const leftover = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'bench\_%\_test'`;
  for (const { datname } of leftover) await admin.unsafe(`drop database ${quoteIdent(datname)} with (force)`);
}

function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => {
      const [key, value] = entry;
      return value !== undefined && !key.startsWith('VITEST') && !key.startsWith('RUNTAG_') && key !== 'DATABASE_URL' && key !== 'NODE_OPTIONS';
    }),
  );
}

function runSuite(project: string, databases: Databases, variant: SuiteVariant, isolate: boolean): number {
  const env = {
    ...cleanEnv(),
    BENCH_VARIANT: variant,
    BENCH_ISOLATE: String(isolate),
    BENCH_PLAIN_URL: databases.plain,
    BENCH_TRUNCATE_URL: databases.truncate,
    BENCH_ADMIN_URL: databases.admin,
    BENCH_TEMPLATE_DATABASE: databases.template,
    DATABASE_URL: databases.runtag,
    RUNTAG_QUIET: '1',
    NO_COLOR: '1',
  };
  const start = performance.now();
  const child = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=dot'], {
    cwd: project,
    env,
    encoding: 'utf8',
    timeout: 900_000,
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`suite cost: the ${variant} variant (isolate ${isolate}) failed:\n${child.stdout}\n${child.stderr}`);
  return wallMs;
}

/** Each entry's import in a fresh Node process in the installed project (median of 7, after one warm-up). */
function measureImports(project: string): Record<keyof typeof IMPORTS, number> {
  const timeImport = (specifiers: readonly string[]) => {
    const script = `const t = performance.now(); ${specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(' ')} console.log(performance.now() - t);`;
    const samples: number[] = [];
    for (let i = 0; i <= 7; i++) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: project, env: cleanEnv(), encoding: 'utf8' });
      if (i > 0) samples.push(Number(out.trim()));
    }
    return round2(median(samples));
  };
  return Object.fromEntries(Object.entries(IMPORTS).map(([key, spec]) => [key, timeImport([spec].flat())])) as Record<keyof typeof IMPORTS, number>;
}
