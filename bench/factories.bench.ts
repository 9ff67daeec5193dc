/**
 * runtag's way vs the naive way, side by side in one run, against a real PostgreSQL.
 *
 *   npm run bench                  # readable table
 *   npm run bench -- --json        # … plus one JSON object on the last line of stdout
 *   npm run bench -- --rounds 9    # more rounds (default 7, after one discarded warm-up round)
 *
 * Machines are noisy, so every comparison runs in the same round, the variants alternate which
 * goes first, and we report the median and min over rounds and the ratio naive/ours of medians.
 * Uses DATABASE_URL when set, otherwise starts an embedded PostgreSQL (and always stops it).
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as schema from '../schema/index.js';
import { connect, type Sql } from '../src/db/connect.js';
import { startDatabase } from '../src/db/server.js';
import { TestBookingFactory } from '../src/domain/test-booking-factory.js';
import { userFactory } from '../src/domain/factories.js';
import { FactorySession } from '../src/factory/session.js';
import { loadMigrations, migrateSchema } from '../src/isolation/migrations.js';
import { TestSchema } from '../src/isolation/test-schema.js';
import { createRunId, type RunId } from '../src/run/run-id.js';
import { fileScope } from '../src/run/tag.js';

const MIGRATIONS = 'migrations';
/** Fixed faker seed: every round builds the same values, so only the strategy varies. */
const SEED = 42;

// ---------------------------------------------------------------------------------------------
// What a benchmark is

/** One measured run: `work` is timed; `cleanup` (untimed) undoes it so every round starts alike. */
interface Trial {
  work(): Promise<void>;
  cleanup(): Promise<void>;
}

interface Variant {
  label: string;
  /** Set up (untimed) a fresh trial. */
  trial(): Promise<Trial> | Trial;
}

interface Comparison {
  name: string;
  /** Rows (or scenarios) per trial, for the per-item column; omitted for fixed-cost work. */
  n?: number;
  ours: Variant;
  /** Absent when only our figure is interesting (e.g. a size the naive way would take too long for). */
  naive?: Variant;
}

interface Stats {
  label: string;
  samplesMs: number[];
  medianMs: number;
  minMs: number;
}

interface Result {
  name: string;
  n: number | null;
  ours: Stats;
  naive: Stats | null;
  /** naive median / ours median: how many times faster runtag's way is. */
  ratio: number | null;
}

// ---------------------------------------------------------------------------------------------
// The comparisons

/** Drizzle bound to the bench's migrated schema. */
type Db = TestSchema<typeof schema>['db'];

/** A session of its own per trial (untimed), so cleanup() deletes exactly that trial's rows. */
function factoryTrial(db: Db, runId: RunId, work: (session: FactorySession) => Promise<unknown>): Trial {
  const session = new FactorySession({ db, runId, seed: SEED, label: 'bench' });
  return {
    work: async () => {
      await work(session);
    },
    cleanup: async () => {
      await session.cleanup();
    },
  };
}

function userComparisons(db: Db, runId: RunId, sizes: readonly number[], oursOnly: readonly number[]): Comparison[] {
  const ours = (n: number): Variant => ({
    label: `userFactory.createList(${n})`,
    trial: () => factoryTrial(db, runId, (s) => userFactory.withSession(s).createList(n)),
  });
  // What users write when nobody gave them a bulk API: one INSERT round trip per row.
  const naive = (n: number): Variant => ({
    label: `${n} × await userFactory.create()`,
    trial: () =>
      factoryTrial(db, runId, async (s) => {
        const factory = userFactory.withSession(s);
        for (let i = 0; i < n; i++) await factory.create();
      }),
  });
  return [
    ...sizes.map((n) => ({ name: `users × ${n}`, n, ours: ours(n), naive: naive(n) })),
    ...oursOnly.map((n) => ({ name: `users × ${n} (ours only)`, n, ours: ours(n) })),
  ];
}

/** The same rows built in memory only: how much of createList is faker and tagging, not PostgreSQL. */
function buildOnlyComparison(db: Db, runId: RunId, n: number): Comparison {
  return {
    name: `users × ${n}, no database`,
    n,
    ours: {
      label: `userFactory.buildList(${n})`,
      trial: () =>
        factoryTrial(db, runId, async (s) => {
          userFactory.withSession(s).buildList(n);
        }),
    },
  };
}

function scenarioComparisons(db: Db, runId: RunId, sizes: readonly number[]): Comparison[] {
  return sizes.map((n) => ({
    name: `booking scenarios × ${n}`,
    n,
    ours: {
      label: `createBookingScenarios(${n})`,
      trial: () => factoryTrial(db, runId, (s) => new TestBookingFactory({ session: s }).createBookingScenarios(n)),
    },
    naive: {
      label: `${n} × await createBookingScenario()`,
      trial: () =>
        factoryTrial(db, runId, async (s) => {
          const bookings = new TestBookingFactory({ session: s });
          for (let i = 0; i < n; i++) await bookings.createBookingScenario();
        }),
    },
  }));
}

/**
 * A test file's isolated, migrated database: runtag's schema per file vs a whole database per file.
 * Both replay the same migrations with the same code (so only schema vs database differs), both
 * read the migration files, and both end with one query on the file's own pool, so "ready" means
 * a connection a test could use.
 */
function isolationComparison(url: string, runId: RunId, admin: Sql): Comparison {
  let count = 0;
  const ours: Variant = {
    label: "TestSchema.open({ mode: 'schema' }) + teardown()",
    trial: () => ({
      work: async () => {
        const file = await TestSchema.open({
          url,
          runId,
          scope: fileScope(`bench/schema-${++count}.test.ts`),
          mode: 'schema',
          schema,
          migrationsFolder: MIGRATIONS,
          poolSize: 1,
        });
        try {
          await file.sql`select 1`;
        } finally {
          await file.teardown();
        }
      },
      cleanup: async () => {},
    }),
  };
  const naive: Variant = {
    label: 'CREATE DATABASE + migrate + DROP DATABASE',
    trial: () => {
      const name = `rt_bench_${runId.replaceAll('-', '_')}_${++count}`;
      return {
        work: () => databasePerFile(url, admin, name),
        // Only does something if work() failed half way.
        cleanup: async () => {
          await admin.unsafe(`drop database if exists "${name}" with (force)`);
        },
      };
    },
  };
  return { name: 'isolated migrated DB for one test file', ours, naive };
}

async function databasePerFile(url: string, admin: Sql, name: string): Promise<void> {
  const migrations = loadMigrations(MIGRATIONS);
  await admin.unsafe(`create database "${name}"`);
  const fileUrl = new URL(url);
  fileUrl.pathname = `/${name}`;
  const sql = connect(fileUrl.toString(), { max: 1, applicationName: 'runtag:bench' });
  try {
    await migrateSchema(sql, 'public', migrations);
    await sql`select 1`;
  } finally {
    await sql.end({ timeout: 5 });
  }
  await admin.unsafe(`drop database "${name}"`);
}

// ---------------------------------------------------------------------------------------------
// Running and summarising

async function timeTrial(variant: Variant): Promise<number> {
  const trial = await variant.trial();
  try {
    const start = performance.now();
    await trial.work();
    return performance.now() - start;
  } finally {
    await trial.cleanup();
  }
}

function variantsOf(comparison: Comparison): Variant[] {
  return comparison.naive ? [comparison.ours, comparison.naive] : [comparison.ours];
}

/** One discarded trial of everything first: JIT, plan caches, connections, file caches. */
async function warmUp(comparisons: readonly Comparison[]): Promise<void> {
  for (const comparison of comparisons) {
    for (const variant of variantsOf(comparison)) await timeTrial(variant);
  }
}

/**
 * Within a round every comparison runs its variants back to back, alternating which goes first,
 * so drift in the machine's speed hits both sides alike.
 */
async function runRounds(comparisons: readonly Comparison[], rounds: number, log: (line: string) => void): Promise<Map<Variant, number[]>> {
  let started = performance.now();
  await warmUp(comparisons);
  log(`  warm-up done in ${seconds(started)} s`);
  const samples = new Map<Variant, number[]>();
  for (let round = 1; round <= rounds; round++) {
    started = performance.now();
    for (const comparison of comparisons) {
      const order = variantsOf(comparison);
      if (round % 2 === 0) order.reverse();
      for (const variant of order) {
        samples.set(variant, [...(samples.get(variant) ?? []), await timeTrial(variant)]);
      }
    }
    log(`  round ${round}/${rounds} done in ${seconds(started)} s`);
  }
  return samples;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function stats(variant: Variant, samples: Map<Variant, number[]>): Stats {
  const values = samples.get(variant) ?? [];
  return { label: variant.label, samplesMs: values.map(round2), medianMs: round2(median(values)), minMs: round2(Math.min(...values)) };
}

function summarise(comparisons: readonly Comparison[], samples: Map<Variant, number[]>): Result[] {
  return comparisons.map((c) => {
    const ours = stats(c.ours, samples);
    const naive = c.naive ? stats(c.naive, samples) : null;
    return { name: c.name, n: c.n ?? null, ours, naive, ratio: naive ? round2(naive.medianMs / ours.medianMs) : null };
  });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Output

function formatTable(results: readonly Result[]): string {
  const header = ['comparison', 'variant', 'median ms', 'min ms', 'µs/item', 'naive/ours'];
  const rows: string[][] = [];
  for (const r of results) {
    const line = (s: Stats, side: string, ratio: string) => [
      side === 'ours' ? r.name : '',
      `${side}: ${s.label}`,
      s.medianMs.toFixed(1),
      s.minMs.toFixed(1),
      r.n ? ((s.medianMs * 1000) / r.n).toFixed(0) : '',
      ratio,
    ];
    rows.push(line(r.ours, 'ours', ''));
    if (r.naive) rows.push(line(r.naive, 'naive', `${r.ratio!.toFixed(1)}×`));
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const numeric = new Set([2, 3, 4, 5]);
  const render = (cells: string[]) => cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

function parseOptions(): { json: boolean; rounds: number } {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, rounds: { type: 'string', default: '7' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 5) throw new Error(`--rounds must be a whole number ≥ 5, got "${values.rounds}".`);
  return { json: values.json, rounds };
}

async function main(): Promise<void> {
  const { json, rounds } = parseOptions();
  const runId = createRunId();
  // Progress goes to stderr so stdout stays the table (and the JSON line).
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log('bench: starting PostgreSQL…');
  const server = await startDatabase({ label: `bench-${runId}` });
  try {
    const admin = connect(server.url, { max: 1, applicationName: 'runtag:bench:admin' });
    try {
      await benchmark(server.url, runId, admin, { json, rounds, embedded: server.embedded }, log);
    } finally {
      await admin.end({ timeout: 5 });
    }
  } finally {
    await server.stop();
  }
}

async function benchmark(
  url: string,
  runId: RunId,
  admin: Sql,
  options: { json: boolean; rounds: number; embedded: boolean },
  log: (line: string) => void,
): Promise<void> {
  const [version] = await admin<{ server_version: string }[]>`show server_version`;
  const environment = { node: process.version, postgres: version!.server_version, embedded: options.embedded, cpus: availableParallelism(), rounds: options.rounds };
  // The factory comparisons share one migrated schema; each trial deletes its rows afterwards.
  const file = await TestSchema.open({ url, runId, scope: fileScope('bench/factories'), mode: 'schema', schema, migrationsFolder: MIGRATIONS });
  try {
    const comparisons = [
      ...userComparisons(file.db, runId, [100, 1000], [5000]),
      buildOnlyComparison(file.db, runId, 1000),
      ...scenarioComparisons(file.db, runId, [100, 1000]),
      isolationComparison(url, runId, admin),
    ];
    log(`bench: ${options.rounds} rounds after warm-up, PostgreSQL ${environment.postgres}${options.embedded ? ' (embedded)' : ''}, ${environment.cpus} CPUs`);
    const results = summarise(comparisons, await runRounds(comparisons, options.rounds, log));

    console.log(`\nruntag benchmark — ${options.rounds} rounds, median and min per variant; naive/ours = ratio of medians (higher: runtag faster)\n`);
    console.log(formatTable(results));
    if (options.json) console.log(JSON.stringify({ environment, results }));
  } finally {
    await file.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
